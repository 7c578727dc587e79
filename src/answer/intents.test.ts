import { describe, expect, it } from 'vitest';
import { classify } from './intents.ts';

describe('routing messages that are not knowledge-base questions', () => {
  it.each([
    ['Xin chào', 'greeting'],
    ['chao ban', 'greeting'],
    ['Hello!', 'greeting'],
    ['Cảm ơn bạn nhiều nhé', 'thanks'],
    ['ok cam on', 'thanks'],
    ['Thanks a lot', 'thanks'],
    ['Cho tôi gặp cán bộ', 'officer'],
    ['cho toi noi chuyen truc tiep voi can bo phuong', 'officer'],
    ['I want to talk to a human', 'officer'],
    ['Hồ sơ của tôi nộp 10 ngày rồi sao chưa có kết quả?', 'status'],
    ['sao van chua co tra loi', 'status'],
    ['Where is my application?', 'status'],
    ['Tra cứu câu hỏi HD-7K3MQ-9XD2F', 'status'],
    ['Hôm nay thời tiết thế nào?', 'off_topic'],
    ['kể chuyện cười đi', 'off_topic'],
    ['Gia hạn tạm trú cần giấy tờ gì?', 'question'],
    ['Chào bạn, lệ phí làm hộ chiếu bao nhiêu?', 'question'],
    ['Phạt bao nhiêu tiền nếu đi xe máy không đội mũ bảo hiểm, trời mưa thời tiết xấu?', 'question'],
  ])('%s → %s', (text, route) => {
    expect(classify(text).route).toBe(route);
  });

  it('takes the ticket code out of a status question, upper-cased', () => {
    expect(classify('mã của tôi là hd-7k3mq-9xd2f').ticketCode).toBe('HD-7K3MQ-9XD2F');
  });

  it('drops a leading greeting from a real question', () => {
    expect(classify('Chào bạn, lệ phí làm hộ chiếu bao nhiêu?').text).toBe('lệ phí làm hộ chiếu bao nhiêu?');
  });
});
