// Messages that are not questions for the knowledge base: greetings, thanks, asking for a person,
// asking about one's own file or ticket, and chit-chat far from public administration.
// Patterns work on folded text, so "cảm ơn", "cam on" and "CẢM ƠN" are the same.
import { fold } from '../text/normalize.ts';
import type { Route } from './types.ts';

const f = (s: string) => ` ${fold(s).replace(/[^a-z0-9]+/g, ' ').trim()} `;

const ADDRESS = String.raw`(?:ban|anh|chi|em|ad|admin|bot|tro ly|shop|a|nhe|nha|a|day|you|there|everyone|all)`;
const GREETING = new RegExp(String.raw`^ (?:xin chao|chao|alo|hello|hi|hey|good (?:morning|afternoon|evening)|chao buoi (?:sang|chieu|toi))(?: ${ADDRESS})* $`);
const THANKS = new RegExp(String.raw`^ (?:ok |vang |da |uh |u )?(?:cam on|cam ta|thank you|thanks|thank|tks|thanks a lot|many thanks)(?: ${ADDRESS}| nhieu| rat nhieu| very much| so much)* $`);
const GREETING_PREFIX = /^(?:(?:xin\s+)?ch[àa]o|alo|hello|hi|hey)(?:\s+(?:b[ạa]n|anh|ch[ịi]|em|ad|admin|bot))?[\s,.!]+/iu;

const OFFICER = [
  /\b(?:gap|noi chuyen|trao doi|lien he|ket noi|chuyen (?:cho|toi|den|sang)|cho (?:toi|em|minh) (?:gap|noi chuyen))(?: truc tiep)?(?: voi)?(?: truc tiep)? (?:can bo|nguoi that|nhan vien|chuyen vien|nguoi phu trach|tong dai vien|nguoi)\b/,
  /\b(?:talk|speak|chat) (?:to|with) (?:a |an |the )?(?:human|person|officer|agent|staff|real person)\b/,
  /\b(?:human|real person) please\b/,
];

const STATUS = [
  /\bho so (?:cua )?(?:toi|em|minh|nha toi|gia dinh toi)\b.*\b(?:chua|bao gio|den dau|the nao|sao|khi nao|tinh trang|tien do)\b/,
  /\b(?:da nop|nop|gui)\b.*\b(?:(?:tuan|ngay|thang) (?:truoc|roi)|lau roi|hom truoc)\b.*\b(?:chua|sao|bao gio|khi nao)\b/,
  /\bsao (?:van )?chua (?:co )?(?:ket qua|tra loi|phan hoi|duoc giai quyet|duoc xu ly|thay)\b/,
  /\bho so (?:so|ma) \d/,
  /\b(?:den buoc nao|dang o buoc nao|xu ly den dau|giai quyet den dau)\b/,
  // Something went wrong with the citizen's own case: only an officer can look into it.
  /\b(?:bi tra ve|bi tra lai ho so|bi tu choi ma|bi tru tien|tru tien (?:2|hai) lan|thu (?:2|hai) lan|bi thu sai|hen .{0,40} ma (?:khong|chua)|khong thay (?:ai )?(?:den|toi|xuong)|chua nhan duoc (?:ket qua|tien|tra loi|phan hoi))\b/,
  /\b(?:tra cuu|kiem tra) (?:tinh trang|tien do) (?:ho so|cau hoi)\b/,
  /\b(?:tien do|tinh trang) (?:ho so|cau hoi) (?:cua )?(?:toi|em|minh)\b/,
  /\b(?:where is|status of|what happened to) (?:my|our) (?:application|file|request|question|dossier)\b/,
  /\bno (?:reply|answer|response) (?:after|for|yet)\b/,
];

// Plainly outside public administration; checked only when nothing administrative is mentioned.
const OFF_TOPIC = [
  /\b(?:thoi tiet|bong da|ty so|ca si|phim|bai hat|nau an|mon an|cong thuc nau|ke chuyen cuoi|chuyen cuoi|tho tinh|lam tho|xo so|lo de|gia vang|bitcoin|tien ao|chung khoan nao|tu vi|cung hoang dao|boi toan|game|choi game|nguoi yeu|crush)\b/,
  /\b(?:weather|football|soccer|movie|song|recipe|joke|poem|lottery|bitcoin|crypto|horoscope|video game|girlfriend|boyfriend)\b/,
  /\b(?:ban la ai|ban ten gi|ban bao nhieu tuoi|who are you|what is your name)\b/,
];

// Words that make a message administrative or legal, whatever else it mentions.
const DOMAIN = /\b(?:thu tuc|ho so|giay to|giay phep|dang ky|cap lai|cap doi|le phi|phi|thue|luat|nghi dinh|thong tu|quy dinh|dieu|khoan|phap luat|ubnd|uy ban|cong an|co quan|can cuoc|cccd|cmnd|ho chieu|tam tru|thuong tru|ho khau|khai sinh|ket hon|ly hon|dat dai|so do|bao hiem|bhxh|bhyt|xu phat|phat|vi pham|hop dong|lao dong|thua ke|di chuc|khieu nai|to cao|chung thuc|cong chung|doanh nghiep|kinh doanh|xay dung|procedure|permit|license|licence|visa|passport|residence|tax|fee|law|decree|register|registration|certificate|fine|court|contract|insurance)\b/;

export const TICKET_CODE = /\bHD-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b/i;

export interface Intent {
  route: Route;
  /** The question with a leading greeting removed ("chào bạn, cho hỏi…" → "cho hỏi…"). */
  text: string;
  ticketCode: string | null;
}

export function classify(text: string): Intent {
  const code = TICKET_CODE.exec(text)?.[0]?.toUpperCase() ?? null;
  const ff = f(text);
  if (code) return { route: 'status', text, ticketCode: code };
  if (GREETING.test(ff)) return { route: 'greeting', text, ticketCode: null };
  if (THANKS.test(ff)) return { route: 'thanks', text, ticketCode: null };
  if (OFFICER.some((re) => re.test(ff))) return { route: 'officer', text, ticketCode: null };
  if (STATUS.some((re) => re.test(ff))) return { route: 'status', text, ticketCode: null };
  const stripped = text.replace(GREETING_PREFIX, '').trim() || text;
  if (!DOMAIN.test(f(stripped)) && OFF_TOPIC.some((re) => re.test(ff))) return { route: 'off_topic', text: stripped, ticketCode: null };
  return { route: 'question', text: stripped, ticketCode: null };
}
