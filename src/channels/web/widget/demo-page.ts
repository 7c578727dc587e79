// GET /: a made-up province portal with the widget embedded the way a real portal would embed it
// (one script tag), to try the widget and to test it in a browser. Its text is the page's content,
// in Vietnamese like the portals it imitates; the widget's own texts live in strings.ts.

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function demoPage(o: { widgetSrc: string; portal: string }): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>Cổng thông tin điện tử tỉnh Minh Sơn (trang minh họa)</title>
<style>
*{box-sizing:border-box}
body{margin:0;font:16px/1.6 "Times New Roman",Georgia,serif;color:#1a1a1a;background:#f5f5f0}
a{color:#0b4f9c}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:10}
.top{background:#a31d1d;color:#fff;padding:12px 16px;display:flex;gap:14px;align-items:center}
.emblem{width:56px;height:56px;border-radius:50%;background:radial-gradient(circle,#ffd54a 0 30%,#c62828 31%);flex:none}
.top p{margin:0;font-size:.85rem;letter-spacing:.04em;text-transform:uppercase}
.top .name{font-size:1.35rem;font-weight:700;text-transform:none;letter-spacing:0}
nav{background:#7f1414}
nav ul{display:flex;flex-wrap:wrap;margin:0;padding:0 8px;list-style:none}
nav a{display:block;padding:10px 12px;color:#fff;text-decoration:none;font-family:system-ui,sans-serif;font-size:.95rem}
nav a:hover,nav a:focus-visible{background:#5c0e0e;text-decoration:underline}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.demo{margin:0;padding:6px 16px;background:#fff4d6;color:#5c3b00;font:.9rem/1.4 system-ui,sans-serif}
main{max-width:1100px;margin:0 auto;padding:16px;display:grid;grid-template-columns:2fr 1fr;gap:20px}
h1{grid-column:1/-1;margin:4px 0;font-size:1.6rem;color:#7f1414}
section,aside{background:#fff;border:1px solid #d6d3c4;border-radius:4px;padding:12px 16px}
h2{margin:0 0 8px;font-size:1.15rem;color:#7f1414;border-bottom:2px solid #a31d1d;padding-bottom:4px}
article{padding:8px 0;border-bottom:1px dotted #b5b09a}
article:last-child{border:0}
article h3{margin:0;font-size:1.05rem}
time{color:#555;font-size:.85rem;font-family:system-ui,sans-serif}
article p{margin:4px 0 0}
.services{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:0;padding:0;list-style:none}
.services a{display:block;padding:10px;border:1px solid #d6d3c4;border-radius:4px;background:#fbfaf5;text-decoration:none;font-family:system-ui,sans-serif;font-size:.95rem}
footer{background:#3b0a0a;color:#f3e9e9;padding:16px;font:.9rem/1.5 system-ui,sans-serif;margin-top:12px}
footer p{margin:2px 0;max-width:1100px;margin-inline:auto}
@media (max-width:720px){main{grid-template-columns:1fr}.top .name{font-size:1.1rem}}
</style>
</head>
<body>
<a class="skip" href="#noi-dung">Bỏ qua, tới nội dung chính</a>
<header>
  <div class="top">
    <div class="emblem" role="img" aria-label="Biểu trưng tỉnh Minh Sơn"></div>
    <div><p>Ủy ban nhân dân tỉnh Minh Sơn</p><p class="name">Cổng thông tin điện tử</p></div>
  </div>
  <nav aria-label="Chuyên mục">
    <ul>
      <li><a href="/" aria-current="page">Trang chủ</a></li>
      <li><a href="#gioi-thieu">Giới thiệu</a></li>
      <li><a href="#tin-tuc">Tin tức – Sự kiện</a></li>
      <li><a href="#dich-vu-cong">Dịch vụ công</a></li>
      <li><a href="#van-ban">Văn bản chỉ đạo điều hành</a></li>
      <li><a href="#hoi-dap">Hỏi đáp</a></li>
    </ul>
  </nav>
  <p class="demo">Trang minh họa để thử trợ lý hỏi đáp; tỉnh Minh Sơn và các tin bài dưới đây là giả định, không phải thông tin chính thức.</p>
</header>
<main id="noi-dung">
  <h1>Cổng thông tin điện tử tỉnh Minh Sơn</h1>
  <div>
    <section id="tin-tuc" aria-labelledby="tin-tuc-h">
      <h2 id="tin-tuc-h">Tin tức – Sự kiện</h2>
      <article>
        <h3><a href="#tin-1">Đẩy mạnh tiếp nhận hồ sơ đăng ký cư trú trực tuyến tại công an cấp xã</a></h3>
        <time datetime="2026-11-20">20/11/2026</time>
        <p>Người dân có thể đăng ký, gia hạn tạm trú qua Cổng Dịch vụ công quốc gia mà không phải đến trụ sở công an xã.</p>
      </article>
      <article>
        <h3><a href="#tin-2">Hướng dẫn đăng ký khai sinh, cấp căn cước cho trẻ em dưới 6 tuổi qua liên thông</a></h3>
        <time datetime="2026-11-18">18/11/2026</time>
        <p>Cha mẹ thực hiện một lần trên ứng dụng định danh điện tử hoặc Cổng Dịch vụ công để được giải quyết các thủ tục liên thông.</p>
      </article>
      <article>
        <h3><a href="#tin-3">Trung tâm Phục vụ hành chính công tỉnh làm việc sáng thứ Bảy</a></h3>
        <time datetime="2026-11-15">15/11/2026</time>
        <p>Từ tháng 12, bộ phận một cửa tiếp nhận hồ sơ vào sáng thứ Bảy hằng tuần để thuận tiện cho người dân và doanh nghiệp.</p>
      </article>
    </section>
    <section id="dich-vu-cong" aria-labelledby="dvc-h">
      <h2 id="dvc-h">Dịch vụ công trực tuyến nổi bật</h2>
      <ul class="services">
        <li><a href="#dvc-1">Đăng ký tạm trú</a></li>
        <li><a href="#dvc-2">Gia hạn tạm trú</a></li>
        <li><a href="#dvc-3">Đăng ký thường trú</a></li>
        <li><a href="#dvc-4">Đăng ký khai sinh</a></li>
        <li><a href="#dvc-5">Đăng ký kết hôn</a></li>
        <li><a href="#dvc-6">Chứng thực bản sao</a></li>
      </ul>
    </section>
  </div>
  <aside id="hoi-dap" aria-labelledby="hoi-dap-h">
    <h2 id="hoi-dap-h">Hỏi đáp trực tuyến</h2>
    <p>Bạn có thắc mắc về thủ tục hành chính? Bấm nút <strong>Hỏi đáp</strong> ở góc dưới bên phải màn hình để hỏi trợ lý. Câu trả lời dẫn nguồn từ văn bản pháp luật và thủ tục chính thức; nếu chưa rõ, bạn có thể gặp cán bộ của cơ quan phụ trách.</p>
    <h2 id="van-ban">Văn bản mới</h2>
    <ul>
      <li><a href="#vb-1">Luật Cư trú số 68/2020/QH14</a></li>
      <li><a href="#vb-2">Luật Hôn nhân và gia đình số 52/2014/QH13</a></li>
    </ul>
  </aside>
</main>
<footer>
  <p id="gioi-thieu"><strong>Cổng thông tin điện tử tỉnh Minh Sơn</strong> (trang minh họa)</p>
  <p>Cơ quan chủ quản: Ủy ban nhân dân tỉnh Minh Sơn. Địa chỉ: số 1 đường Trung tâm, phường Minh Sơn.</p>
</footer>
<script src="${esc(o.widgetSrc)}" data-portal="${esc(o.portal)}" async></script>
</body>
</html>
`;
}
