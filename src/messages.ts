// Every text a citizen, officer or operator reads, Vietnamese first, in one place.

export const messages = {
  vi: {
    notFound: 'Không tìm thấy địa chỉ này.',
    internal: 'Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.',
    starting: 'Hệ thống đang khởi động và nạp dữ liệu, vui lòng chờ trong giây lát.',
    badJson: 'Nội dung gửi lên không phải JSON hợp lệ.',
    badInput: 'Dữ liệu gửi lên không hợp lệ.',
  },
  en: {
    notFound: 'Not found.',
    internal: 'Something went wrong on our side. Please try again in a few minutes.',
    starting: 'The service is starting and loading its data; please wait a moment.',
    badJson: 'The request body is not valid JSON.',
    badInput: 'The request is not valid.',
  },
} as const;

export type Lang = keyof typeof messages;
export type MessageKey = keyof (typeof messages)['vi'];

export function t(key: MessageKey, lang: Lang = 'vi'): string {
  return messages[lang][key];
}
