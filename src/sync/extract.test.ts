import { describe, expect, it } from 'vitest';
import { clausesOfValidity, extractPage, parseViDate, statusOf, type ExtractedPage } from './extract.ts';

// Page furniture every portal wraps around its content; none of it may reach the text.
const CHROME_TOP = `
  <header class="site-header"><a href="/"><img src="/logo.png" alt="Logo"></a><span>Cổng Thông tin điện tử Chính phủ</span></header>
  <nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/van-ban">Văn bản</a></li><li><a href="/hoi-dap">Hỏi đáp</a></li></ul></nav>
  <div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/van-ban">Hệ thống văn bản</a></div>
  <form action="/tim-kiem"><input name="q" placeholder="Tìm kiếm văn bản"><button>Tìm</button></form>`;
const CHROME_BOTTOM = `
  <aside><h3>Văn bản mới</h3><ul><li><a href="/vb/1">Thông tư 01/2025/TT-BYT</a></li></ul></aside>
  <footer><p>Cơ quan chủ quản: Văn phòng Chính phủ. Địa chỉ: 16 Lê Hồng Phong, Ba Đình, Hà Nội</p><p>Giấy phép số: 56/GP-TTĐT</p></footer>
  <script>window.dataLayer = []; gtag('config', 'G-XXXX'); var html = "<p>Điều 99. Không phải văn bản</p>";</script>
  <style>.content p { margin: 0 }</style>
  <!-- Điều 98. comment -->`;

const page = (head: string, body: string) =>
  `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">${head}</head><body>${CHROME_TOP}${body}${CHROME_BOTTOM}</body></html>`;

function expectNoChrome(p: ExtractedPage) {
  for (const noise of ['Trang chủ', 'Tìm kiếm', 'Văn bản mới', 'Cơ quan chủ quản', 'Giấy phép', 'dataLayer', 'margin', 'Điều 99', 'Điều 98', 'Hệ thống văn bản']) {
    expect(p.text).not.toContain(noise);
  }
}

// The decree header and signature as portals lay them out: two-column tables.
const DECREE_HEADER = `
  <table class="header"><tr>
    <td><b>CHÍNH PHỦ</b><br>-------</td>
    <td><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</b><br>---------------</td>
  </tr><tr>
    <td>Số: 15/2025/NĐ-CP</td>
    <td><i>Hà Nội, ngày 15 tháng 01 năm 2025</i></td>
  </tr></table>`;
const DECREE_SIGNATURE = `
  <table><tr>
    <td><b><i>Nơi nhận:</i></b><br>- Ban Bí thư Trung ương Đảng;<br>- Thủ tướng, các Phó Thủ tướng Chính phủ;<br>- Lưu: VT, PL (2b).</td>
    <td><b>TM. CHÍNH PHỦ<br>KT. THỦ TƯỚNG<br>PHÓ THỦ TƯỚNG<br><br><br>(Đã ký)<br><br>Trần Hồng Hà</b></td>
  </tr></table>`;

describe('extractPage', () => {
  it('reads a vbpl-style property table with label and value cells side by side', () => {
    const html = page(
      `<title>Nghị định 15/2025/NĐ-CP quy định chi tiết Luật Cư trú | Cơ sở dữ liệu quốc gia về văn bản pháp luật</title>`,
      `<div id="main"><div class="vbInfo">
        <h1>Nghị định 15/2025/NĐ-CP quy định chi tiết một số điều của Luật Cư trú</h1>
        <table class="vbProperties">
          <tr><td>Số ký hiệu</td><td>15/2025/NĐ-CP</td><td>Ngày ban hành</td><td>15/01/2025</td></tr>
          <tr><td>Loại văn bản</td><td>Nghị định</td><td>Ngày có hiệu lực</td><td>01/03/2025</td></tr>
          <tr><td>Cơ quan ban hành</td><td>Chính phủ</td><td>Người ký</td><td>Trần Hồng Hà</td></tr>
          <tr><td>Tình trạng hiệu lực:</td><td>Còn hiệu lực</td><td>Nguồn thu thập</td><td>Công báo số 123+124, ngày 25/01/2025</td></tr>
        </table>
        <div class="luocdo"><table>
          <tr><td>Văn bản bị thay thế</td><td>Nghị định 01/2021/NĐ-CP ngày 04/01/2021</td></tr>
          <tr><td>Văn bản bị sửa đổi bổ sung</td><td>Nghị định 62/2021/NĐ-CP</td></tr>
        </table></div>
      </div>
      <div class="toanvan">
        <p>Điều 1. Phạm vi điều chỉnh</p>
        <p>Nghị định này quy định chi tiết một số điều của Luật Cư trú.</p>
        <p>Điều 2. Đối tượng áp dụng</p>
        <p>Nghị định này áp dụng đối với công dân Việt Nam.</p>
      </div></div>`,
    );
    const p = extractPage(html, 'https://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID=170000');
    expect(p).toEqual({
      title: 'Nghị định 15/2025/NĐ-CP quy định chi tiết một số điều của Luật Cư trú',
      text: expect.any(String),
      number: '15/2025/NĐ-CP',
      docType: 'Nghị định',
      issuer: 'Chính phủ',
      signer: 'Trần Hồng Hà',
      issueDate: '2025-01-15',
      effectiveDate: '2025-03-01',
      status: 'in_force',
      replaces: ['01/2021/NĐ-CP'],
      repeals: [],
      amends: ['62/2021/NĐ-CP'],
      replacedBy: null,
      gazette: { issue: '123+124', date: '2025-01-25' },
    });
    expect(p.text.split('\n')).toContain('Số ký hiệu | 15/2025/NĐ-CP | Ngày ban hành | 15/01/2025');
    expect(p.text.split('\n')).toEqual(expect.arrayContaining(['Điều 1. Phạm vi điều chỉnh', 'Điều 2. Đối tượng áp dụng']));
    expectNoChrome(p);
  });

  it('reads a <dl> of properties whose labels lack diacritics and colons vary', () => {
    const html = page(
      `<title>Thông tư 05/2025/TT-BTC - Cổng Thông tin điện tử Bộ Tài chính</title>`,
      `<main>
        <h1 class="title">Thông tư 05/2025/TT-BTC hướng dẫn quản lý thuế đối với hộ kinh doanh</h1>
        <dl class="properties">
          <dt>SỐ KÝ HIỆU:</dt><dd>05/2025/TT-BTC</dd>
          <dt>Loai van ban</dt><dd>THÔNG TƯ</dd>
          <div><dt>Ngay ban hanh :</dt><dd>10/02/2025</dd></div>
          <dt>Ngày hiệu lực</dt><dd>ngày 27 tháng 3 năm 2025</dd>
          <dt>Cơ quan ban hành</dt><dd>Bộ Tài chính</dd>
          <dt>Người ký</dt><dd>Cao Anh Tuấn</dd>
          <dt>Tình trạng hiệu lực</dt><dd>Hết hiệu lực một phần</dd>
          <dt>Công báo</dt><dd>Số 301 + 302, ngày 01/03/2025</dd>
        </dl>
        <div class="content">
          <p><strong>Điều 1.</strong> Phạm vi điều chỉnh</p>
          <p>Thông tư này hướng dẫn quản lý thuế đối với hộ kinh doanh, cá nhân kinh doanh.</p>
        </div>
      </main>`,
    );
    const p = extractPage(html, 'https://mof.gov.vn/van-ban/05-2025-tt-btc');
    expect(p).toEqual({
      title: 'Thông tư 05/2025/TT-BTC hướng dẫn quản lý thuế đối với hộ kinh doanh',
      text: expect.any(String),
      number: '05/2025/TT-BTC',
      docType: 'Thông tư',
      issuer: 'Bộ Tài chính',
      signer: 'Cao Anh Tuấn',
      issueDate: '2025-02-10',
      effectiveDate: '2025-03-27',
      status: 'partly_repealed',
      replaces: [],
      repeals: [],
      amends: [],
      replacedBy: null,
      gazette: { issue: '301+302', date: '2025-03-01' },
    });
    expect(p.text.split('\n')).toContain('SỐ KÝ HIỆU: | 05/2025/TT-BTC');
    expect(p.text.split('\n')).toContain('Điều 1. Phạm vi điều chỉnh');
    expectNoChrome(p);
  });

  it('reads <meta> tags and takes the title from og:title', () => {
    const html = page(
      `<title>Quyết định 1234/QĐ-UBND | UBND tỉnh Bắc Ninh</title>
       <meta property="og:title" content="Quyết định 1234/QĐ-UBND công bố thủ tục hành chính lĩnh vực hộ tịch">
       <meta property="og:site_name" content="Cổng thông tin điện tử tỉnh Bắc Ninh">
       <meta name="so-ky-hieu" content="1234/QĐ-UBND">
       <meta name="loai-van-ban" content="Quyết định">
       <meta name="co-quan-ban-hanh" content="Ủy ban nhân dân tỉnh Bắc Ninh">
       <meta name="nguoi-ky" content="Nguyễn Anh Tuấn">
       <meta name="ngay-ban-hanh" content="2025-04-02">
       <meta name="ngay-hieu-luc" content="2025-05-01T00:00:00+07:00">
       <meta name="tinh-trang-hieu-luc" content="Chưa có hiệu lực">
       <meta name="description" content="Công bố thủ tục hành chính">`,
      `<article class="doc">
        <div class="doc-body">
          <p>QUYẾT ĐỊNH</p>
          <p>Về việc công bố danh mục thủ tục hành chính lĩnh vực hộ tịch</p>
          <p>Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục hành chính.</p>
          <p>Điều 2. Quyết định này có hiệu lực kể từ ngày 01 tháng 5 năm 2025.</p>
        </div>
      </article>`,
    );
    const p = extractPage(html, 'https://bacninh.gov.vn/vb/1234');
    expect(p).toEqual({
      title: 'Quyết định 1234/QĐ-UBND công bố thủ tục hành chính lĩnh vực hộ tịch',
      text: 'QUYẾT ĐỊNH\nVề việc công bố danh mục thủ tục hành chính lĩnh vực hộ tịch\nĐiều 1. Công bố kèm theo Quyết định này danh mục thủ tục hành chính.\nĐiều 2. Quyết định này có hiệu lực kể từ ngày 01 tháng 5 năm 2025.',
      number: '1234/QĐ-UBND',
      docType: 'Quyết định',
      issuer: 'Ủy ban nhân dân tỉnh Bắc Ninh',
      signer: 'Nguyễn Anh Tuấn',
      issueDate: '2025-04-02',
      effectiveDate: '2025-05-01',
      status: 'unknown',
      replaces: [],
      repeals: [],
      amends: [],
      replacedBy: null,
      gazette: null,
    });
  });

  it('reads a decree published as text only: header, closing articles and signature', () => {
    const html = page(
      `<title>Nghị định số 15/2025/NĐ-CP của Chính phủ - Cổng Thông tin điện tử Chính phủ</title>`,
      `<div class="detail-content">
        ${DECREE_HEADER}
        <p align="center"><b>NGHỊ ĐỊNH</b></p>
        <p align="center"><b>QUY ĐỊNH CHI TIẾT MỘT SỐ ĐIỀU CỦA LUẬT CƯ TRÚ</b></p>
        <p><i>Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương số 47/2019/QH14;</i></p>
        <p><i>Căn cứ Luật Cư trú số 68/2020/QH14;</i></p>
        <p>Chính phủ ban hành Nghị định quy định chi tiết một số điều của Luật Cư trú.</p>
        <p><b>Chương I</b></p>
        <p><b>Điều 1. Phạm vi điều chỉnh</b></p>
        <p>Nghị định này quy định chi tiết một số điều của Luật Cư trú.</p>
        <p><b>Điều 2. Sửa đổi, bổ sung một số điều của Nghị định số 62/2021/NĐ-CP ngày 29 tháng 6 năm 2021 của Chính phủ</b></p>
        <p>1. Khoản 2 Điều 5 được sửa đổi, bổ sung như sau:</p>
        <p>“2. Trường hợp thay thế Nghị định số 99/2099/NĐ-CP thì không phải đăng ký lại.”</p>
        <p><b>Điều 3. Hiệu lực thi hành</b></p>
        <p>1. Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 3 năm 2025.</p>
        <p>2. Nghị định này thay thế Nghị định số 01/2021/NĐ-CP ngày 04 tháng 01 năm 2021 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định số 31/2014/NĐ-CP.</p>
        <p>3. Bãi bỏ các văn bản sau:</p>
        <p>a) Thông tư số 55/2021/TT-BCA ngày 15 tháng 5 năm 2021 của Bộ trưởng Bộ Công an;</p>
        <p>b) Điều 4 của Thông tư số 56/2021/TT-BCA.</p>
        <p>4. Kể từ ngày Nghị định này có hiệu lực thi hành, Quyết định số 12/2019/QĐ-TTg ngày 20 tháng 02 năm 2019 của Thủ tướng Chính phủ hết hiệu lực.</p>
        <p><b>Điều 4. Trách nhiệm thi hành</b></p>
        <p>Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ chịu trách nhiệm thi hành Nghị định này./.</p>
        ${DECREE_SIGNATURE}
      </div>`,
    );
    const p = extractPage(html, 'https://chinhphu.vn/?pageid=27160&docid=212000');
    expect(p).toEqual({
      title: 'Nghị định số 15/2025/NĐ-CP của Chính phủ',
      text: expect.any(String),
      number: '15/2025/NĐ-CP',
      docType: 'Nghị định',
      issuer: 'Chính phủ',
      signer: 'Trần Hồng Hà',
      issueDate: '2025-01-15',
      effectiveDate: '2025-03-01',
      status: null,
      replaces: ['01/2021/NĐ-CP'],
      repeals: ['55/2021/TT-BCA', '12/2019/QĐ-TTG'],
      amends: ['62/2021/NĐ-CP', '56/2021/TT-BCA'],
      replacedBy: null,
      gazette: null,
    });
    const lines = p.text.split('\n');
    expect(lines.slice(0, 2)).toEqual(['CHÍNH PHỦ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc', 'Số: 15/2025/NĐ-CP | Hà Nội, ngày 15 tháng 01 năm 2025']);
    expect(lines).toEqual(expect.arrayContaining(['NGHỊ ĐỊNH', 'Chương I', 'Điều 1. Phạm vi điều chỉnh', 'Điều 3. Hiệu lực thi hành', 'Điều 4. Trách nhiệm thi hành']));
    expect(lines.filter((l) => /^Điều \d+\./.test(l))).toHaveLength(4);
    expectNoChrome(p);
  });

  it('reads an old decree page that says it was wholly repealed and by what', () => {
    const html = page(
      `<title>Nghị định 01/2021/NĐ-CP về đăng ký doanh nghiệp - Thư viện văn bản</title>`,
      `<div class="content">
        <h1>Nghị định 01/2021/NĐ-CP về đăng ký doanh nghiệp</h1>
        <div class="hieuluc-notice"><p>Văn bản này đã hết hiệu lực. Xem văn bản thay thế bên dưới.</p></div>
        <table class="thuoctinh">
          <tr><th>Số hiệu:</th><td>01/2021/NĐ-CP</td></tr>
          <tr><th>Loại văn bản:</th><td>Nghị định</td></tr>
          <tr><th>Nơi ban hành:</th><td>Chính phủ</td></tr>
          <tr><th>Người ký:</th><td>Nguyễn Xuân Phúc</td></tr>
          <tr><th>Ngày ban hành:</th><td>04/01/2021</td></tr>
          <tr><th>Ngày hiệu lực:</th><td>04/01/2021</td></tr>
          <tr><th>Ngày hết hiệu lực:</th><td>01/03/2025</td></tr>
          <tr><th>Số công báo:</th><td>Đã biết</td></tr>
          <tr><th>Tình trạng:</th><td>Hết hiệu lực toàn bộ</td></tr>
          <tr><th>Văn bản thay thế:</th><td><a href="/vb/15-2025-nd-cp">Nghị định 15/2025/NĐ-CP</a></td></tr>
        </table>
        <p>Điều 1. Phạm vi điều chỉnh</p>
        <p>Nghị định này quy định chi tiết về hồ sơ, trình tự, thủ tục đăng ký doanh nghiệp.</p>
      </div>`,
    );
    const p = extractPage(html, 'https://thuvien.example.vn/van-ban/nghi-dinh-01-2021');
    expect(p).toEqual({
      title: 'Nghị định 01/2021/NĐ-CP về đăng ký doanh nghiệp',
      text: expect.any(String),
      number: '01/2021/NĐ-CP',
      docType: 'Nghị định',
      issuer: 'Chính phủ',
      signer: 'Nguyễn Xuân Phúc',
      issueDate: '2021-01-04',
      effectiveDate: '2021-01-04',
      status: 'repealed',
      replaces: [],
      repeals: [],
      amends: [],
      replacedBy: '15/2025/NĐ-CP',
      gazette: null,
    });
    expect(p.text.split('\n')).toContain('Văn bản thay thế: | Nghị định 15/2025/NĐ-CP');
  });

  it('leaves document fields empty on a news page that only mentions a decree', () => {
    const html = page(
      `<title>Chính phủ ban hành Nghị định mới về cư trú - Báo Điện tử Chính phủ</title>
       <meta property="og:title" content="Chính phủ ban hành Nghị định mới về cư trú">
       <meta property="article:published_time" content="2025-01-16T08:30:00+07:00">`,
      `<div class="article-wrap">
        <article class="detail">
          <header><h1>Chính phủ ban hành Nghị định mới về cư trú</h1><time datetime="2025-01-16">16/01/2025 08:30</time></header>
          <p class="sapo">(Chinhphu.vn) - Chính phủ vừa ban hành Nghị định 15/2025/NĐ-CP quy định chi tiết Luật Cư trú.</p>
          <p>Nghị định 15/2025/NĐ-CP thay thế Nghị định 01/2021/NĐ-CP và có hiệu lực từ ngày 01/3/2025.</p>
          <p>Thay thế Nghị định số 01/2021/NĐ-CP là bước tiếp theo của cải cách thủ tục hành chính.</p>
          <p>Theo Nghị định, công dân có thể đăng ký thường trú trực tuyến.</p>
          <footer class="author">Thu Hằng</footer>
        </article>
        <div class="related"><h3>Tin liên quan</h3><article><a href="/tin/2">Hướng dẫn đăng ký cư trú</a></article></div>
      </div>`,
    );
    const p = extractPage(html, 'https://baochinhphu.vn/chinh-phu-ban-hanh-nghi-dinh-moi-ve-cu-tru-102250116.htm');
    expect(p).toEqual({
      title: 'Chính phủ ban hành Nghị định mới về cư trú',
      text: [
        'Chính phủ ban hành Nghị định mới về cư trú',
        '16/01/2025 08:30',
        '(Chinhphu.vn) - Chính phủ vừa ban hành Nghị định 15/2025/NĐ-CP quy định chi tiết Luật Cư trú.',
        'Nghị định 15/2025/NĐ-CP thay thế Nghị định 01/2021/NĐ-CP và có hiệu lực từ ngày 01/3/2025.',
        'Thay thế Nghị định số 01/2021/NĐ-CP là bước tiếp theo của cải cách thủ tục hành chính.',
        'Theo Nghị định, công dân có thể đăng ký thường trú trực tuyến.',
        'Thu Hằng',
      ].join('\n'),
      number: null,
      docType: null,
      issuer: null,
      signer: null,
      issueDate: '2025-01-16',
      effectiveDate: null,
      status: null,
      replaces: [],
      repeals: [],
      amends: [],
      replacedBy: null,
      gazette: null,
    });
  });

  it('reads a Q&A page: the question as title, the answering agency and date, quoted articles kept as lines', () => {
    const html = page(
      `<title>Hỏi đáp chính sách | Cổng Dịch vụ công quốc gia</title>`,
      `<div class="qa-detail">
        <h1>Đăng ký thường trú cho con nuôi cần giấy tờ gì?</h1>
        <ul class="qa-meta">
          <li><span>Người hỏi:</span> Nguyễn Văn B (Hà Nội)</li>
          <li><span>Ngày gửi:</span> 10/01/2025</li>
          <li><span>Trạng thái:</span> Đã trả lời</li>
        </ul>
        <div class="question"><p>Tôi muốn đăng ký thường trú cho con nuôi thì cần chuẩn bị giấy tờ gì?</p></div>
        <div class="answer">
          <p><b>Cơ quan trả lời:</b> Bộ Công an</p>
          <p><b>Ngày trả lời:</b> 20/01/2025</p>
          <p>Theo Nghị định số 15/2025/NĐ-CP thay thế Nghị định số 01/2021/NĐ-CP, hồ sơ gồm:</p>
          <blockquote><p>Điều 6. Hồ sơ đăng ký thường trú</p><p>1. Tờ khai thay đổi thông tin cư trú;</p></blockquote>
          <p>Đề nghị ông liên hệ Công an cấp xã để được hướng dẫn.</p>
        </div>
      </div>`,
    );
    const p = extractPage(html, 'https://dichvucong.gov.vn/p/home/dvc-hoi-dap-chi-tiet.html?id=123');
    expect(p).toEqual({
      title: 'Đăng ký thường trú cho con nuôi cần giấy tờ gì?',
      text: expect.any(String),
      number: null,
      docType: null,
      issuer: 'Bộ Công an',
      signer: null,
      issueDate: '2025-01-20',
      effectiveDate: null,
      status: null,
      replaces: [],
      repeals: [],
      amends: [],
      replacedBy: null,
      gazette: null,
    });
    expect(p.text.split('\n')).toEqual(expect.arrayContaining(['Người hỏi: Nguyễn Văn B (Hà Nội)', 'Điều 6. Hồ sơ đăng ký thường trú', '1. Tờ khai thay đổi thông tin cư trú;']));
    expectNoChrome(p);
  });

  it('reads a law: number and issuer from the header, adoption date, signer in capitals, gazette line in the text', () => {
    const html = page(
      `<title>Luật Cư trú 2020</title>`,
      `<div id="toanvancontent">
        <table><tr><td>QUỐC HỘI<br>--------</td><td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</td></tr>
        <tr><td>Luật số: 68/2020/QH14</td><td></td></tr></table>
        <p>LUẬT</p><p>CƯ TRÚ</p>
        <p>Điều 1. Phạm vi điều chỉnh</p><p>Luật này quy định về việc thực hiện quyền tự do cư trú.</p>
        <p>Điều 38. Hiệu lực thi hành</p>
        <p>1. Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2021.</p>
        <p>2. Luật Cư trú số 81/2006/QH11 đã được sửa đổi, bổ sung một số điều theo Luật số 36/2013/QH13 hết hiệu lực kể từ ngày Luật này có hiệu lực thi hành.</p>
        <p><i>Luật này được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XIV, kỳ họp thứ 10 thông qua ngày 13 tháng 11 năm 2020.</i></p>
        <table><tr><td></td><td>CHỦ TỊCH QUỐC HỘI<br><br>NGUYỄN THỊ KIM NGÂN</td></tr></table>
        <p class="nguon"><i>(Đăng trên Công báo số 1131 + 1132, ngày 28 tháng 11 năm 2020)</i></p>
      </div>`,
    );
    const p = extractPage(html, 'https://vbpl.vn/luat-cu-tru');
    expect(p).toMatchObject({
      title: 'Luật Cư trú 2020',
      number: '68/2020/QH14',
      docType: 'Luật',
      issuer: 'Quốc hội',
      signer: 'Nguyễn Thị Kim Ngân',
      issueDate: '2020-11-13',
      effectiveDate: '2021-07-01',
      status: null,
      replaces: [],
      repeals: ['81/2006/QH11', '36/2013/QH13'],
      amends: [],
      replacedBy: null,
      gazette: { issue: '1131+1132', date: '2020-11-28' },
    });
  });

  it('decodes entities, composes Unicode and drops scripts, styles and comments', () => {
    const decomposed = 'Nghị định'.normalize('NFD');
    const html = `<html><head><title>Ngh&#7883; &#x111;&#7883;nh &amp; Th&ocirc;ng t&#432;</title><script>alert("Điều 7.")</script></head>
      <body><div><p>&nbsp;Đi&#7873;u&nbsp;1.&nbsp;Ph&#7841;m vi &lt;điều chỉnh&gt;</p><!-- <p>Điều 2. ẩn</p> -->
      <p>${decomposed} n&agrave;y &quot;quy định&quot;</p><style>p{color:red}</style><noscript>Bật JavaScript</noscript></div></body></html>`;
    const p = extractPage(html, 'https://example.gov.vn/a');
    expect(p.title).toBe('Nghị định & Thông tư');
    expect(p.text).toBe('Điều 1. Phạm vi <điều chỉnh>\nNghị định này "quy định"');
    expect(p.text).toBe(p.text.normalize('NFC'));
  });

  it('flattens data tables row by row and keeps articles of a layout table on their own lines', () => {
    const html = `<body><table><tr><td>
        <p>Điều 1. Mức thu lệ phí</p>
        <table><tr><th>STT</th><th>Nội dung</th><th>Mức thu (đồng)</th></tr>
        <tr><td>1</td><td>Đăng ký thường trú</td><td>20.000</td></tr></table>
        <p>Điều 2. Miễn lệ phí</p>
      </td></tr></table></body>`;
    expect(extractPage(html, 'https://example.gov.vn/b').text).toBe(
      'Điều 1. Mức thu lệ phí\nSTT | Nội dung | Mức thu (đồng)\n1 | Đăng ký thường trú | 20.000\nĐiều 2. Miễn lệ phí',
    );
  });

  it('never throws on junk', () => {
    for (const junk of ['', '<<<>>>', '<html><body><table><tr><td>Số ký hiệu<td>', '\u0000\uFFFD', '<p>Ngày ban hành: 31/02/2025</p>']) {
      const p = extractPage(junk, 'not a url');
      expect(p.issueDate).toBeNull();
      expect(typeof p.text).toBe('string');
    }
  });
});

describe('clausesOfValidity', () => {
  it('reads replace, repeal and amend clauses whose subject is the document', () => {
    expect(
      clausesOfValidity(
        [
          'Điều 12. Hiệu lực thi hành',
          '1. Nghị định này thay thế Nghị định số 01/2021/NĐ-CP và bãi bỏ Thông tư số 05/2019/TT-BTC.',
          '2. Sửa đổi, bổ sung một số điều của Nghị định số 123/2020/NĐ-CP ngày 19 tháng 10 năm 2020 như sau:',
          'Bãi bỏ khoản 3 Điều 7 của Thông tư số 78/2021/TT-BTC; bãi bỏ Quyết định số 10/2020/QĐ-TTg, 11/2020/QĐ-TTg và Quyết định số 12/2020/QĐ-TTg.',
        ].join('\n'),
      ),
    ).toEqual({
      replaces: ['01/2021/NĐ-CP'],
      repeals: ['05/2019/TT-BTC', '10/2020/QĐ-TTG', '11/2020/QĐ-TTG', '12/2020/QĐ-TTG'],
      amends: ['123/2020/NĐ-CP', '78/2021/TT-BTC'],
    });
  });

  it('reads the usual closing article: "có hiệu lực thi hành kể từ ngày … và thay thế …"', () => {
    expect(
      clausesOfValidity(
        'Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 3 năm 2026 và thay thế Nghị định số 01/2021/NĐ-CP ngày 04 tháng 01 năm 2021 của Chính phủ.',
      ),
    ).toEqual({ replaces: ['01/2021/NĐ-CP'], repeals: [], amends: [] });
    expect(clausesOfValidity('Thông tư này có hiệu lực kể từ ngày 15/02/2026, đồng thời bãi bỏ Thông tư số 07/2020/TT-BCA.')).toEqual({ replaces: [], repeals: ['07/2020/TT-BCA'], amends: [] });
  });

  it('ignores the same verbs in preambles, cited names, the passive and other documents’ actions', () => {
    expect(
      clausesOfValidity(
        [
          'Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ số 47/2019/QH14;',
          'Khoản 2 Điều 5 được thay thế bằng Nghị định số 02/2022/NĐ-CP.',
          'Nghị định số 15/2025/NĐ-CP thay thế Nghị định số 01/2021/NĐ-CP.',
          'Nghị định số 01/2021/NĐ-CP đã hết hiệu lực.',
          '“a) Bãi bỏ Thông tư số 01/2015/TT-BTP;”',
        ].join('\n'),
      ),
    ).toEqual({ replaces: [], repeals: [], amends: [] });
  });

  it('does not take the cited numbers inside a replaced document’s name', () => {
    expect(clausesOfValidity('Nghị định này thay thế Nghị định số 01/2021/NĐ-CP ngày 04/01/2021 quy định chi tiết Luật Đất đai số 45/2013/QH13.')).toEqual({
      replaces: ['01/2021/NĐ-CP'],
      repeals: [],
      amends: [],
    });
  });
});

describe('small parsers', () => {
  it.each([
    ['15/01/2025', '2025-01-15'],
    ['ngày 5 tháng 3 năm 2025', '2025-03-05'],
    ['Hà Nội, ngày 15 tháng 01 năm 2025', '2025-01-15'],
    ['2025-02-10T08:00:00+07:00', '2025-02-10'],
    ['1-7-2021', '2021-07-01'],
    ['31/02/2025', null],
    ['không rõ', null],
  ])('parses the date in %s', (s, iso) => {
    expect(parseViDate(s)).toBe(iso);
  });

  it.each([
    ['Còn hiệu lực', 'in_force'],
    ['Hết hiệu lực toàn bộ', 'repealed'],
    ['Het hieu luc', 'repealed'],
    ['Hết hiệu lực một phần', 'partly_repealed'],
    ['Chưa có hiệu lực', 'unknown'],
    ['Ngưng hiệu lực', 'unknown'],
    ['Đã trả lời', null],
  ])('maps the validity %s', (s, status) => {
    expect(statusOf(s)).toBe(status);
  });
});
