// Every text a citizen, officer or operator reads, Vietnamese first, in one place.
// `{name}` marks a value filled in by fmt(); framing texts never carry numbers of their own,
// so every number in an answer comes from a cited source.

export const messages = {
  vi: {
    notFound: 'Không tìm thấy địa chỉ này.',
    internal: 'Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.',
    starting: 'Hệ thống đang khởi động và nạp dữ liệu, vui lòng chờ trong giây lát.',
    badJson: 'Nội dung gửi lên không phải JSON hợp lệ.',
    badInput: 'Dữ liệu gửi lên không hợp lệ.',
    bodyTooLarge: 'Nội dung gửi lên quá lớn.',
    badContentType: 'Nội dung phải được gửi dưới dạng JSON (Content-Type: application/json).',

    emptyQuestion: 'Bạn chưa nhập câu hỏi. Bạn hãy gõ câu hỏi về thủ tục hành chính hoặc quy định pháp luật nhé.',
    questionTooLong: 'Câu hỏi dài quá {limit} ký tự. Bạn hãy rút gọn, chỉ nêu việc cần hỏi nhé.',
    greeting: 'Xin chào! Mình là trợ lý hỏi đáp về thủ tục hành chính và pháp luật. Bạn cần hỏi gì ạ? Ví dụ: “Gia hạn tạm trú cần giấy tờ gì?”',
    thanks: 'Không có gì ạ! Nếu còn thắc mắc, bạn cứ hỏi tiếp nhé.',
    offTopic: 'Xin lỗi, mình chỉ trả lời được câu hỏi về thủ tục hành chính, dịch vụ công và quy định pháp luật. Bạn có câu hỏi nào về những việc này không?',
    escalatedLowConfidence: 'Mình chưa tìm được nguồn chính thức để trả lời chắc chắn câu hỏi này, nên đã chuyển câu hỏi tới {agency}. Mã theo dõi của bạn: {code}. Cán bộ sẽ trả lời trước {due}.',
    escalatedOfficer: 'Mình đã chuyển câu hỏi của bạn tới {agency}. Mã theo dõi của bạn: {code}. Cán bộ sẽ trả lời trước {due}.',
    escalatedStatus: 'Mình không tự tra cứu được hồ sơ của bạn, nên đã chuyển câu hỏi tới {agency} để cán bộ kiểm tra. Mã theo dõi của bạn: {code}. Cán bộ sẽ trả lời trước {due}.',
    escalatedUnverified: 'Mình chưa kiểm chứng được câu trả lời với nguồn chính thức, nên đã chuyển câu hỏi tới {agency}. Mã theo dõi của bạn: {code}. Cán bộ sẽ trả lời trước {due}.',
    ticketStatus: 'Câu hỏi mã {code} gửi {agency}: {status}. Hạn trả lời: {due}.',
    ticketNotFound: 'Mình không tìm thấy câu hỏi nào có mã {code}. Bạn kiểm tra lại mã giúp mình nhé.',
    ticket_new: 'đang chờ cán bộ tiếp nhận',
    ticket_claimed: 'cán bộ đang xử lý',
    ticket_waiting_citizen: 'cán bộ đang chờ bạn bổ sung thông tin',
    ticket_answered: 'đã có câu trả lời',
    ticket_closed: 'đã đóng',

    procIntro: 'Thủ tục “{name}” (mã {code}) {cite}:',
    procDocuments: 'Hồ sơ cần chuẩn bị:',
    procMoreDocuments: '… và các giấy tờ khác (xem chi tiết).',
    procWhere: 'Nơi nộp:',
    procChannels: 'Cách nộp:',
    procTime: 'Thời hạn giải quyết:',
    procFee: 'Phí, lệ phí:',
    procConditions: 'Điều kiện:',
    procSteps: 'Trình tự:',
    procTimeUnknown: 'chưa nêu cụ thể, xem chi tiết thủ tục',
    procLink: 'Chi tiết và nộp trực tuyến:',
    procNote: 'Ghi chú của cổng dịch vụ công:',
    procPassage: 'Nội dung liên quan:',
    lawIntro: 'Theo {ref} {cite}:',
    qaIntro: 'Theo {ref} {cite}:',
    seeAlso: 'Xem thêm: {ref} {cite}.',
    seeAlsoQuote: 'Xem thêm {ref} {cite}:',
    feedbackThanks: 'Cảm ơn bạn đã góp ý.',
    feedbackOfferOfficer: 'Rất tiếc câu trả lời chưa giúp được bạn. Bạn có muốn chuyển câu hỏi tới cán bộ không?',
    answerNotFound: 'Không tìm thấy câu trả lời này.',
    emptyQuestionField: 'Trường “question” không được để trống.',
  },
  en: {
    notFound: 'Not found.',
    internal: 'Something went wrong on our side. Please try again in a few minutes.',
    starting: 'The service is starting and loading its data; please wait a moment.',
    badJson: 'The request body is not valid JSON.',
    badInput: 'The request is not valid.',
    bodyTooLarge: 'The request body is too large.',
    badContentType: 'Send the body as JSON (Content-Type: application/json).',

    emptyQuestion: 'You have not typed a question. Ask about an administrative procedure or a legal rule.',
    questionTooLong: 'Your question is longer than {limit} characters. Please shorten it to what you need to know.',
    greeting: 'Hello! I answer questions about Vietnamese administrative procedures and laws. What would you like to know? For example: “What documents do I need to extend temporary residence?”',
    thanks: 'You are welcome! Ask again any time.',
    offTopic: 'Sorry, I can only answer questions about administrative procedures, public services and the law. Do you have a question about those?',
    escalatedLowConfidence: 'I could not find an official source that answers this with confidence, so I have sent your question to {agency}. Your tracking code: {code}. An officer will reply by {due}.',
    escalatedOfficer: 'I have sent your question to {agency}. Your tracking code: {code}. An officer will reply by {due}.',
    escalatedStatus: 'I cannot look up your file myself, so I have sent your question to {agency} for an officer to check. Your tracking code: {code}. An officer will reply by {due}.',
    escalatedUnverified: 'I could not verify an answer against the official sources, so I have sent your question to {agency}. Your tracking code: {code}. An officer will reply by {due}.',
    ticketStatus: 'Question {code} sent to {agency}: {status}. Reply due: {due}.',
    ticketNotFound: 'I cannot find a question with the code {code}. Please check the code.',
    ticket_new: 'waiting for an officer',
    ticket_claimed: 'an officer is working on it',
    ticket_waiting_citizen: 'the officer is waiting for more information from you',
    ticket_answered: 'answered',
    ticket_closed: 'closed',

    procIntro: 'Procedure “{name}” (code {code}) {cite} — the official text is in Vietnamese:',
    procDocuments: 'Documents to prepare:',
    procMoreDocuments: '… and other documents (see the details).',
    procWhere: 'Where to submit:',
    procChannels: 'How to submit:',
    procTime: 'Processing time:',
    procFee: 'Fee:',
    procConditions: 'Conditions:',
    procSteps: 'Steps:',
    procTimeUnknown: 'not stated; see the procedure details',
    procLink: 'Details and online submission:',
    procNote: 'Note from the public service portal:',
    procPassage: 'Relevant passage:',
    lawIntro: 'Under {ref} {cite}, the official Vietnamese text says:',
    qaIntro: 'According to {ref} {cite} (in Vietnamese):',
    seeAlso: 'See also: {ref} {cite}.',
    seeAlsoQuote: 'See also {ref} {cite}:',
    feedbackThanks: 'Thank you for your feedback.',
    feedbackOfferOfficer: 'Sorry this did not help. Would you like to send your question to an officer?',
    answerNotFound: 'This answer does not exist.',
    emptyQuestionField: 'The “question” field must not be empty.',
  },
} as const;

export type Lang = keyof typeof messages;
export type MessageKey = keyof (typeof messages)['vi'];

export function t(key: MessageKey, lang: Lang = 'vi'): string {
  return messages[lang][key];
}

/** A message with its `{name}` placeholders filled in. */
export function fmt(key: MessageKey, lang: Lang, vars: Record<string, string | number>): string {
  return t(key, lang).replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}
