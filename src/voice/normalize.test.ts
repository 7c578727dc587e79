import { describe, expect, it, vi } from 'vitest';
import { normalizeTranscript, wordsToNumbers } from './normalize.ts';

// Expected values are written from what a Vietnamese reader expects, not from the code's output.
type Case = [spoken: string, text: string];
type DisplayCase = [spoken: string, display: string];

const textOf = (s: string) => normalizeTranscript(s).text;

describe('numbers in words', () => {
  it.each<Case>([
    ['mười lăm ngày', '15 ngày'],
    ['hai nghìn không trăm hai mươi hai', '2022'],
    ['năm trăm nghìn đồng', '500.000 đồng'],
    ['một triệu hai trăm nghìn', '1.200.000'],
    ['mười tám tuổi', '18 tuổi'],
    ['hai mươi mốt ngày', '21 ngày'],
    ['hai mươi tư giờ', '24 giờ'],
    ['hai lăm tuổi', '25 tuổi'],
    ['năm mươi lăm tuổi', '55 tuổi'],
    ['bốn mươi nhăm phút', '45 phút'],
    ['mười tư tuổi', '14 tuổi'],
    ['một trăm linh năm', '105'],
    ['một trăm lẻ năm', '105'],
    ['chín mươi chín', '99'],
    ['hai chục người', '20 người'],
    ['một trăm hai', '120'],
    ['một trăm mốt', '110'],
    ['ba nghìn', '3.000'],
    ['hai tỷ ba trăm triệu', '2.300.000.000'],
    ['một nghìn tỷ đồng', '1.000.000.000.000 đồng'],
    ['một nghìn hai trăm mét', '1.200 mét'],
    ['hai phẩy năm', '2,5'],
    ['không phẩy năm', '0,5'],
    ['ba phẩy mười bốn', '3,14'],
    ['một phẩy năm triệu', '1,5 triệu'],
    ['năm người', '5 người'],
    ['năm năm', '5 năm'],
    ['hai mươi năm tù', '20 năm tù'],
    ['mười năm', '10 năm'],
    ['một trăm năm', '100 năm'],
    ['một năm', '1 năm'],
    ['trẻ em dưới sáu tuổi', 'trẻ em dưới 6 tuổi'],
    ['nộp ba bản sao', 'nộp 3 bản sao'],
    ['hai ba ngày', '2-3 ngày'],
    ['mất ba bốn năm', 'mất 3-4 năm'],
    ['ảnh ba nhân bốn', 'ảnh 3x4'],
    ['hai nghìn năm', '2.000 năm'],
    ['trong năm năm qua', 'trong 5 năm qua'],
    ['số nhà mười lăm', 'số nhà 15'],
    ['quận năm', 'quận 5'],
    // shouted in capitals, still words and numbers
    ['HAI NGÀY', '2 ngày'],
  ])('%s → %s', (spoken, text) => {
    expect(textOf(spoken)).toBe(text);
  });
});

describe('number words that stay words', () => {
  it.each<Case>([
    ['năm nay', 'năm nay'],
    ['hàng năm phải khám sức khỏe', 'hàng năm phải khám sức khỏe'],
    ['năm ngoái', 'năm ngoái'],
    ['mỗi năm', 'mỗi năm'],
    ['trong năm', 'trong năm'],
    ['năm học mới', 'năm học mới'],
    ['một người đi làm thay có được không', 'một người đi làm thay có được không'],
    ['nộp một lần', 'nộp một lần'],
    ['một số giấy tờ', 'một số giấy tờ'],
    ['có được không', 'có được không'],
    ['không có hộ khẩu thì sao', 'không có hộ khẩu thì sao'],
    ['vài chục người', 'vài chục người'],
    ['hàng trăm hồ sơ', 'hàng trăm hồ sơ'],
    ['mười mấy ngày', 'mười mấy ngày'],
    ['dăm ba ngày', 'dăm ba ngày'],
    ['thứ tư có làm việc không', 'thứ tư có làm việc không'],
    ['lần thứ hai', 'lần thứ hai'],
    ['hai tư vấn viên', 'hai tư vấn viên'],
    ['cả hai vợ chồng', 'cả hai vợ chồng'],
    ['ba mẹ tôi', 'ba mẹ tôi'],
    ['giá ngày một tăng', 'giá ngày một tăng'],
    ['tháng sau', 'tháng sau'],
    ['tôi quyết định một lần', 'tôi quyết định một lần'],
    ['luật năm nào', 'luật năm nào'],
  ])('%s stays %s', (spoken, text) => {
    expect(textOf(spoken)).toBe(text);
  });
});

describe('number words that lost their diacritics', () => {
  it.each<Case>([
    // one word without marks inside an accented number
    ['điều một trăm ba muoi hai', 'điều 132'],
    ['luật an ninh mạng hai nghìn không tram mười tám', 'luật an ninh mạng 2018'],
    ['điều mười lam', 'điều 15'],
    ['điều hai mươi mot', 'điều 21'],
    ['bộ luật dân sự hai không mot lăm', 'bộ luật dân sự 2015'],
    ['trong điều muoi của bộ luật dân sự hai nghin mười chín', 'trong điều 10 của bộ luật dân sự 2019'],
    ['mức phạt hai muoi triệu đồng', 'mức phạt 20.000.000 đồng'],
    // next to digits the recogniser wrote as digits
    ['con tôi 2 muoi tuổi', 'con tôi 20 tuổi'],
    ['phạt 2 triệu đồng', 'phạt 2.000.000 đồng'],
    ['lệ phí 5 trăm nghìn', 'lệ phí 500.000'],
    // in a transcript with no diacritics at all
    ['con toi 2 muoi tuoi', 'con toi 20 tuoi'],
    ['phat 2 trieu dong', 'phat 2.000.000 dong'],
    ['luat an ninh mang hai nghin khong tram muoi tam', 'luat an ninh mang 2018'],
    ['dieu muoi', 'dieu 10'],
  ])('%s → %s', (spoken, text) => {
    expect(textOf(spoken)).toBe(text);
  });

  it.each<Case>([
    // "làm", "mọt" and "tỷ lệ" without a number word that exists only in numbers beside them
    ['tôi lam hai lần', 'tôi lam 2 lần'],
    ['sách bị mot ăn', 'sách bị mot ăn'],
    ['điều lam tôi lo', 'điều lam tôi lo'],
    ['một tỷ lệ nhỏ', 'một tỷ lệ nhỏ'],
    ['da nop ho so roi', 'da nop ho so roi'],
  ])('%s stays %s', (spoken, text) => {
    expect(textOf(spoken)).toBe(text);
  });
});

describe('digits read one by one', () => {
  it.each<Case>([
    ['số điện thoại không chín không một hai ba bốn năm sáu bảy', 'số điện thoại 0901234567'],
    ['gọi không chín tám tám', 'gọi 0988'],
    ['mã hồ sơ một hai ba bốn', 'mã hồ sơ 1234'],
    ['hai không hai hai', '2022'],
  ])('%s → %s', (spoken, text) => {
    expect(textOf(spoken)).toBe(text);
  });
});

describe('dates and times', () => {
  it.each<Case>([
    ['ngày mười lăm tháng năm năm hai không hai tư', 'ngày 15 tháng 5 năm 2024'],
    ['sinh ngày hai mươi tháng mười một năm một chín chín lăm', 'sinh ngày 20 tháng 11 năm 1995'],
    ['ngày một tháng bảy', 'ngày 1 tháng 7'],
    ['tháng tư', 'tháng 4'],
    ['tháng năm', 'tháng 5'],
    ['tháng mười hai năm ngoái', 'tháng 12 năm ngoái'],
    ['tháng năm năm nay', 'tháng 5 năm nay'],
    ['năm hai không hai hai', 'năm 2022'],
    ['năm hai nghìn không trăm hai mươi ba', 'năm 2023'],
    ['năm hai nghìn', 'năm 2000'],
    ['trong năm hai không hai lăm', 'trong năm 2025'],
    ['mùng một tết', 'mùng 1 tết'],
    ['mỗi tháng hai lần', 'mỗi tháng 2 lần'],
    ['mỗi năm hai lần', 'mỗi năm 2 lần'],
    ['thứ hai ngày mười lăm', 'thứ hai ngày 15'],
    ['tám giờ ba mươi', '8 giờ 30'],
    ['một giờ chiều', '1 giờ chiều'],
    ['bảy giờ kém mười lăm', '7 giờ kém 15'],
    ['ngày ba mươi tháng tư', 'ngày 30 tháng 4'],
    ['từ năm hai nghìn mười tám', 'từ năm 2018'],
    ['năm một nghìn chín trăm chín mươi', 'năm 1990'],
    ['tôi sinh năm chín tám', 'tôi sinh năm 98'],
    // a year said as its century and a two-digit number
    ['bộ luật dân sự hai không mười lăm', 'bộ luật dân sự 2015'],
    ['hai không mười bảy', '2017'],
    ['hai nghìn mười lăm', '2015'],
    ['năm hai không hai mươi tư', 'năm 2024'],
    ['luat dan su hai khong muoi lam', 'luat dan su 2015'],
    // "thế" closing the question is a particle, not the second half of "tư thế"
    ['năm hai nghìn không trăm hai mươi tư thế ạ', 'năm 2024 thế'],
    ['năm hai không hai tư thế ạ', 'năm 2024 thế'],
    ['tháng tư thế ạ', 'tháng 4 thế'],
    ['tư thế ngồi khi làm việc', 'tư thế ngồi khi làm việc'],
    ['ngồi sai tư thế', 'ngồi sai tư thế'],
  ])('%s → %s', (spoken, text) => {
    expect(textOf(spoken)).toBe(text);
  });
});

describe('money', () => {
  it.each<Case>([
    ['lệ phí hai trăm nghìn', 'lệ phí 200.000'],
    ['hai triệu rưỡi', '2.500.000'],
    ['một triệu rưỡi', '1.500.000'],
    ['một triệu hai', '1.200.000'],
    ['một tỷ hai', '1.200.000.000'],
    ['ba trăm năm mươi nghìn đồng', '350.000 đồng'],
    ['năm mươi nghìn', '50.000'],
    ['hai nghìn đồng', '2.000 đồng'],
    ['hai mươi đô', '20 đô'],
    ['phạt từ bốn triệu đến sáu triệu đồng', 'phạt từ 4.000.000 đến 6.000.000 đồng'],
    ['lương ba triệu một tháng', 'lương 3.000.000 một tháng'],
    ['khoản hai triệu đồng', 'khoản 2.000.000 đồng'],
  ])('%s → %s', (spoken, text) => {
    expect(textOf(spoken)).toBe(text);
  });
});

describe('units', () => {
  it.each<Case>([
    ['bao nhiêu mét vuông', 'bao nhiêu m2'],
    ['ba mươi mét vuông', '30 m2'],
    ['dien tich toi thieu ba muoi met vuong', 'dien tich toi thieu 30 m2'],
    ['hai mươi mét khối', '20 m3'],
    ['năm ki lô mét', '5 km'],
    ['cách ba cây số', 'cách 3 km'],
    ['cột cây số bên đường', 'cột cây số bên đường'],
  ])('%s → %s', (spoken, text) => {
    expect(textOf(spoken)).toBe(text);
  });
});

describe('percentages and fractions', () => {
  it.each<Case>([
    ['ba mươi phần trăm', '30%'],
    ['năm phần trăm', '5%'],
    ['một trăm phần trăm', '100%'],
    ['hai phẩy năm phần trăm', '2,5%'],
    ['mức hưởng 75 phần trăm', 'mức hưởng 75%'],
    ['một phần ba', '1/3'],
    ['ba phần tư', '3/4'],
  ])('%s → %s', (spoken, text) => {
    expect(textOf(spoken)).toBe(text);
  });
});

describe('durations', () => {
  it.each<Case>([
    // "rưỡi" after a unit stays a word: "2,5 giờ" would be wrong for a clock time ("10 giờ rưỡi")
    ['hai tiếng rưỡi', '2 tiếng rưỡi'],
    ['mười giờ rưỡi', '10 giờ rưỡi'],
    ['một năm rưỡi', '1 năm rưỡi'],
    ['ba tháng', '3 tháng'],
    ['bốn mươi lăm ngày', '45 ngày'],
    ['bảy ngày làm việc', '7 ngày làm việc'],
    ['trong vòng một tháng', 'trong vòng 1 tháng'],
    ['hai lần một năm', '2 lần một năm'],
    ['ba tháng một lần', '3 tháng một lần'],
  ])('%s → %s', (spoken, text) => {
    expect(textOf(spoken)).toBe(text);
  });
});

describe('legal references', () => {
  it.each<Case>([
    ['nghị định bốn mươi hai năm hai không hai hai', 'nghị định 42/2022/NĐ-CP'],
    ['nghị định số một trăm hai mươi ba năm hai nghìn không trăm hai mươi mốt nờ đê xê pê', 'nghị định 123/2021/NĐ-CP'],
    ['nghị định số năm năm hai không hai ba', 'nghị định 05/2023/NĐ-CP'],
    ['nghị định 42 năm 2022', 'nghị định 42/2022/NĐ-CP'],
    ['nghị định một trăm', 'nghị định 100'],
    ['nghị định một trăm lẻ tám', 'nghị định 108'],
    ['thông tư số một năm hai không hai hai', 'thông tư 01/2022'],
    ['thông tư năm mươi chín năm hai không hai một', 'thông tư 59/2021'],
    ['thông tư năm mươi chín năm hai không hai một tê tê bê xê a', 'thông tư 59/2021/TT-BCA'],
    ['luật số sáu mươi tám năm hai không hai không quốc hội mười bốn', 'luật 68/2020/QH14'],
    ['luật số hai mươi sáu năm hai không hai ba quốc hội khóa mười lăm', 'luật 26/2023/QH15'],
    ['luật cư trú năm hai không hai không', 'luật cư trú năm 2020'],
    ['nghị quyết số một trăm linh bốn năm hai không hai ba quốc hội mười lăm', 'nghị quyết 104/2023/QH15'],
    ['quyết định hai mươi hai năm hai không hai ba', 'quyết định 22/2023'],
    ['quyết định số sáu năm hai không hai hai của thủ tướng chính phủ', 'quyết định 06/2022/QĐ-TTg'],
    ['điều năm', 'điều 5'],
    ['điều năm khoản hai', 'điều 5 khoản 2'],
    ['khoản ba điều hai mươi', 'khoản 3 điều 20'],
    ['điểm a khoản một điều ba', 'điểm a khoản 1 điều 3'],
    ['điểm bê khoản một điều ba', 'điểm b khoản 1 điều 3'],
    ['điều hai mươi ba luật cư trú', 'điều 23 luật cư trú'],
    ['chương hai', 'chương II'],
    ['điều kiện là gì', 'điều kiện là gì'],
  ])('%s → %s', (spoken, text) => {
    expect(textOf(spoken)).toBe(text);
  });
});

describe('fillers', () => {
  it.each<Case>([
    ['dạ chị ơi cho em hỏi là làm căn cước mất bao lâu ạ', 'làm căn cước mất bao lâu'],
    ['alo cho tôi hỏi thủ tục đăng ký tạm trú', 'thủ tục đăng ký tạm trú'],
    ['ờ thì là em muốn hỏi là đổi bằng lái xe ở đâu', 'đổi bằng lái xe ở đâu'],
    ['cho mình hỏi với làm hộ chiếu cần gì', 'làm hộ chiếu cần gì'],
    ['ad ơi xin hỏi lệ phí trước bạ ô tô là bao nhiêu', 'lệ phí trước bạ ô tô là bao nhiêu'],
    ['bạn ơi ừm kiểu như là mất ví thì làm sao', 'mất ví thì làm sao'],
    ['anh ơi nói chung là ý là em chưa có bảo hiểm', 'em chưa có bảo hiểm'],
    ['em chào anh ạ cho em hỏi là giấy khai sinh bị mất thì làm lại ở đâu ạ', 'giấy khai sinh bị mất thì làm lại ở đâu'],
    ['dạ vâng em cảm ơn', 'em cảm ơn'],
    ['à mà cho em hỏi cấp lại mất bao lâu', 'cấp lại mất bao lâu'],
    ['lệ phí chị ơi là bao nhiêu', 'lệ phí là bao nhiêu'],
    ['chào chị em muốn hỏi về thủ tục khai sinh', 'em muốn hỏi về thủ tục khai sinh'],
    ['hai mươi ờ lăm ngày', '25 ngày'],
    ['tuổi thành niên là bao nhiêu', 'tuổi thành niên là bao nhiêu'],
    ['đau dạ dày có được hưởng bảo hiểm không', 'đau dạ dày có được hưởng bảo hiểm không'],
    ['chú ý là phải mang theo bản gốc', 'chú ý là phải mang theo bản gốc'],
    ['đăng ký ở hà nội à', 'đăng ký ở hà nội'],
    ['chị ơi', ''],
    // without diacritics: "a"/"da" go only before another filler ("da" may be "đã")
    ['a cho em hoi chut con toi muoi sau tuoi thi lam can cuoc duoc chua', 'con toi 16 tuoi thi lam can cuoc duoc chua'],
    ['da em chao anh cho em hoi la xin giay xac nhan cu tru o dau', 'xin giay xac nhan cu tru o dau'],
    ['da chi oi cho em hoi le phi ket hon', 'le phi ket hon'],
    ['xin chao cho em hoi thu tuc ket hon', 'thu tuc ket hon'],
    ['da nop ho so roi a', 'da nop ho so roi'],
  ])('%s → %s', (spoken, text) => {
    expect(textOf(spoken)).toBe(text);
  });
});

describe('spelled abbreviations and code-switching', () => {
  it.each<Case>([
    ['xê xê xê đê hết hạn', 'CCCD hết hạn'],
    ['cờ cờ cờ đê', 'CCCD'],
    ['xê em en đê', 'CMND'],
    ['bê hát xê hát', 'BHXH'],
    ['bê hát y tê', 'BHYT'],
    ['u bê en đê phường', 'UBND phường'],
    ['hát đê en đê xã', 'HĐND xã'],
    ['gờ pê lờ xê', 'GPLX'],
    ['em ét tê', 'MST'],
    ['mã số thuế cá nhân', 'mã số thuế cá nhân'],
    ['vê neo', 'VNeID'],
    ['đăng nhập vneid bị lỗi', 'đăng nhập VNeID bị lỗi'],
    ['đê vê xê', 'DVC'],
    ['mẫu xê tê không một', 'mẫu CT01'],
    ['cấp lại cccd', 'cấp lại CCCD'],
    ['căn cước công dân chip', 'căn cước công dân chip'],
    ['ủy ban nhân dân', 'ủy ban nhân dân'],
    ['bằng lái bê hai', 'bằng lái B2'],
    ['hạng a một', 'hạng A1'],
  ])('%s → %s', (spoken, text) => {
    expect(textOf(spoken)).toBe(text);
  });
});

describe('display', () => {
  it.each<DisplayCase>([
    ['lệ phí cấp cccd là bao nhiêu', 'Lệ phí cấp CCCD là bao nhiêu?'],
    ['dạ chị ơi cho em hỏi là làm căn cước mất bao lâu ạ', 'Làm căn cước mất bao lâu?'],
    ['tôi muốn đăng ký thường trú', 'Tôi muốn đăng ký thường trú.'],
    ['điều năm khoản hai luật cư trú quy định gì', 'Điều 5 khoản 2 Luật Cư trú quy định gì?'],
    ['bộ luật dân sự quy định tuổi thành niên là bao nhiêu', 'Bộ luật Dân sự quy định tuổi thành niên là bao nhiêu?'],
    ['nghỉ mùng một tết', 'Nghỉ mùng 1 Tết.'],
    ['điểm a khoản một điều ba', 'Điểm a khoản 1 Điều 3.'],
    ['nghị định bốn mươi hai năm hai không hai hai quy định gì', 'Nghị định 42/2022/NĐ-CP quy định gì?'],
    ['theo luật số sáu mươi tám năm hai không hai không quốc hội mười bốn', 'Theo Luật 68/2020/QH14.'],
    ['chương hai có mấy điều', 'Chương II có mấy điều?'],
    ['hồ sơ đã có kết quả chưa', 'Hồ sơ đã có kết quả chưa?'],
    ['nộp bản sao giấy khai sinh', 'Nộp bản sao giấy khai sinh.'],
    ['tại sao bị từ chối', 'Tại sao bị từ chối?'],
    ['cấp lại mất mấy ngày', 'Cấp lại mất mấy ngày?'],
    ['có phải nộp phạt', 'Có phải nộp phạt?'],
    ['phải nộp lại hả', 'Phải nộp lại hả?'],
    ['phải nộp lại à', 'Phải nộp lại?'],
    ['thủ tục như thế nào ạ', 'Thủ tục như thế nào?'],
    ['nộp ở đâu vậy', 'Nộp ở đâu vậy?'],
    ['tôi không có hộ khẩu', 'Tôi không có hộ khẩu.'],
    ['ai là người ký', 'Ai là người ký?'],
    ['ai cũng phải đăng ký', 'Ai cũng phải đăng ký.'],
    ['làm ở thành phố hồ chí minh được không', 'Làm ở Thành phố Hồ Chí Minh được không?'],
    ['cho em hỏi, lệ phí là bao nhiêu', 'Lệ phí là bao nhiêu?'],
    ['chị ơi, hộ chiếu làm mấy ngày?', 'Hộ chiếu làm mấy ngày?'],
    ['xê xê xê đê hết hạn thì làm sao', 'CCCD hết hạn thì làm sao?'],
    ['thủ tục "cấp lại" cccd (bản gốc) là gì', 'Thủ tục "cấp lại" CCCD (bản gốc) là gì?'],
  ])('%s → %s', (spoken, display) => {
    expect(normalizeTranscript(spoken).display).toBe(display);
  });

  it('leaves nothing to show when the transcript was only fillers', () => {
    expect(normalizeTranscript('alo chị ơi ạ')).toEqual({ text: '', display: '', changed: true });
  });
});

describe('diacritic restoration', () => {
  const ACCENTS: Record<string, string> = {
    lam: 'làm', lai: 'lại', can: 'căn', cuoc: 'cước', mat: 'mất', lau: 'lâu', ngay: 'ngày', thu: 'thủ', tuc: 'tục',
    dang: 'đăng', ky: 'ký', tam: 'tạm', tru: 'trú', le: 'lệ', phi: 'phí', cap: 'cấp', dieu: 'điều', khoan: 'khoản',
    nghi: 'nghị', dinh: 'định', nam: 'năm', tuoi: 'tuổi', thang: 'tháng', het: 'hết', han: 'hạn', nhieu: 'nhiêu',
    la: 'là', toi: 'tôi', nop: 'nộp', o: 'ở', dau: 'đâu',
  };
  // A stand-in for the corpus restorer: word by word from a small map, unknown words as they are.
  const restore = (s: string) => s.split(' ').map((w) => ACCENTS[w] ?? w).join(' ');

  it.each<[string, string, string]>([
    ['lam lai can cuoc mat bao lau', 'làm lại căn cước mất bao lâu', 'Làm lại căn cước mất bao lâu?'],
    ['muoi lam ngay', '15 ngày', '15 ngày.'],
    ['le phi cap cccd la bao nhieu', 'lệ phí cấp CCCD là bao nhiêu', 'Lệ phí cấp CCCD là bao nhiêu?'],
    ['cho em hoi thu tuc dang ky tam tru', 'thủ tục đăng ký tạm trú', 'Thủ tục đăng ký tạm trú.'],
    ['dieu nam khoan hai', 'điều 5 khoản 2', 'Điều 5 khoản 2.'],
    ['nghi dinh bon muoi hai nam hai khong hai hai', 'nghị định 42/2022/NĐ-CP', 'Nghị định 42/2022/NĐ-CP.'],
    ['nam nay toi hai muoi tuoi', 'năm nay tôi 20 tuổi', 'Năm nay tôi 20 tuổi.'],
    ['ngay muoi lam thang nam nam hai khong hai tu', 'ngày 15 tháng 5 năm 2024', 'Ngày 15 tháng 5 năm 2024.'],
    ['xe xe xe de het han', 'CCCD hết hạn', 'CCCD hết hạn.'],
    ['nop o dau a', 'nộp ở đâu', 'Nộp ở đâu?'],
  ])('%s → %s', (spoken, text, display) => {
    expect(normalizeTranscript(spoken, { restoreDiacritics: restore })).toMatchObject({ text, display, changed: true });
  });

  it.each<Case>([
    // Without diacritics these are "tạm trú", "tháng sau", "ba làm việc", not 8, 6 and 35.
    ['tam tru', 'tạm trú'],
    ['thang sau', 'tháng sau'],
    ['ba lam viec', 'ba làm viec'],
  ])('does not read %s as a number', (spoken, text) => {
    expect(normalizeTranscript(spoken, { restoreDiacritics: restore }).text).toBe(text);
  });

  it('converts numbers without diacritics even when no restorer is given', () => {
    expect(normalizeTranscript('muoi lam ngay').text).toBe('15 ngay');
  });

  it('does not call the restorer when the transcript has diacritics', () => {
    const spy = vi.fn(restore);
    normalizeTranscript('làm lại căn cước mất bao lâu', { restoreDiacritics: spy });
    expect(spy).not.toHaveBeenCalled();
  });

  it('keeps digits and codes when the restorer mangles them, restoring the words around them', () => {
    const careless = (s: string) => restore(s).replace(/\d/g, '#').replace(/CCCD/g, 'cccd');
    expect(normalizeTranscript('mat muoi lam ngay lam cccd', { restoreDiacritics: careless }).text).toBe('mất 15 ngày làm CCCD');
  });
});

describe('already written questions', () => {
  it.each([
    'Lệ phí cấp CCCD là bao nhiêu?',
    'Theo khoản 2 Điều 5 Luật Cư trú, ai phải đăng ký tạm trú?',
    'Nghị định 42/2022/NĐ-CP quy định gì?',
    'Tôi sinh năm 1990, năm 2024 bao nhiêu tuổi?',
    'Phí 500.000 đồng có đúng không?',
    'Làm hộ chiếu ở Hà Nội mất mấy ngày?',
    'Đăng nhập VNeID bị lỗi thì làm sao?',
    'Tuổi thành niên là bao nhiêu?',
  ])('leaves %s as it is', (written) => {
    expect(normalizeTranscript(written)).toMatchObject({ display: written, changed: false });
  });

  it('gives the same result when run again on its own display', () => {
    for (const spoken of [
      'dạ chị ơi cho em hỏi là làm căn cước mất mười lăm ngày hả',
      'nghị định bốn mươi hai năm hai không hai hai quy định gì',
      'điểm a khoản một điều ba luật cư trú',
      'phạt từ bốn triệu đến sáu triệu đồng à',
    ]) {
      const once = normalizeTranscript(spoken).display;
      expect(normalizeTranscript(once)).toMatchObject({ display: once, changed: false });
    }
  });

  it('reports whitespace-only differences as unchanged', () => {
    expect(normalizeTranscript('  Lệ phí   cấp CCCD là bao nhiêu?  ').changed).toBe(false);
  });
});

describe('wordsToNumbers', () => {
  it('converts numbers and keeps everything else, fillers and case included', () => {
    expect(wordsToNumbers('Dạ cho em hỏi mười lăm ngày có được không')).toBe('Dạ cho em hỏi 15 ngày có được không');
  });
});
