/* Tin phường: Decap CMS set up through its public API (window.CMS).
 *
 * - the "pelican" format: reads and writes Pelican's "Key: value" header,
 *   in the order `make new` and `make import` write it, so every tool writes
 *   the same file and the reader and `make check` stay as they are;
 * - the "figure" editor component: a photo line and its caption line;
 * - uploads: only photos, at most the size the build set (data-max-upload),
 *   refused before they reach the media library, with a Vietnamese message;
 * - Vietnamese messages where Decap's own are unclear, the site's CSS and an
 *   article-like preview.
 */
(function () {
  'use strict';
  var CMS = window.CMS;
  var h = window.h;

  // --- The file format --------------------------------------------------
  // Slug after the title, as pages have it (content/pages/gioi-thieu.md).
  var HEADER_ORDER = [
    'title', 'slug', 'date', 'ward', 'topics', 'authors', 'summary', 'cover',
    'awards', 'status',
  ];
  var LISTS = { topics: true };

  function clean(text) {
    return String(text).normalize('NFC').replace(/\s+/g, ' ').trim();
  }

  function fromFile(text) {
    var lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
    var data = {};
    var i = 0;
    for (; i < lines.length; i++) {
      var m = /^([A-Za-z][\w-]*):[ \t]*(.*)$/.exec(lines[i]);
      if (!m) break;
      var key = m[1].toLowerCase();
      var value = m[2].trim();
      if (LISTS[key]) {
        value = value.split(',').map(clean).filter(Boolean);
      } else if (key === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
        value += ' 00:00'; // the date picker's format; written back without it
      }
      data[key] = value;
    }
    if (lines[i] === '') i++;
    data.body = lines.slice(i).join('\n').replace(/\s+$/, '');
    return data;
  }

  function toFile(data) {
    var extra = Object.keys(data).filter(function (key) {
      return key !== 'body' && HEADER_ORDER.indexOf(key) < 0;
    });
    var header = [];
    HEADER_ORDER.concat(extra).forEach(function (key) {
      var value = data[key];
      if (value === undefined || value === null) return;
      value = Array.isArray(value) ? value.map(clean).join(', ') : clean(value);
      if (key === 'date') value = value.replace(/ 00:00$/, '');
      if (value) header.push(key.charAt(0).toUpperCase() + key.slice(1) + ': ' + value);
    });
    var body = String(data.body || '').normalize('NFC').replace(/^\s*\n/, '').replace(/\s+$/, '');
    return header.join('\n') + '\n\n' + (body ? body + '\n' : '');
  }

  CMS.registerCustomFormat('pelican', 'md', { fromFile: fromFile, toFile: toFile });

  // --- Uploads: photos only, not too large --------------------------------
  var MAX_BYTES = Number(document.body.getAttribute('data-max-upload')) || 20971520;
  var PHOTO_TYPE = /^image\/(jpeg|png|webp|gif)$/;
  var PHOTO_NAME = /\.(jpe?g|png|webp|gif)$/i;

  function megabytes(bytes) {
    return (bytes / 1048576).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
  }

  function refusal(file) {
    if (!PHOTO_TYPE.test(file.type) || !PHOTO_NAME.test(file.name)) {
      return 'Không tải lên được «' + file.name + '»: tệp này không phải ảnh. ' +
        'Chỉ nhận ảnh JPEG, PNG, WebP hoặc GIF — hãy chọn tệp ảnh.';
    }
    if (file.size > MAX_BYTES) {
      return 'Không tải lên được «' + file.name + '»: ảnh nặng ' +
        megabytes(file.size) + ' MB, quá giới hạn ' + megabytes(MAX_BYTES) +
        ' MB. Hãy thu nhỏ ảnh (hoặc chọn ảnh khác) rồi tải lên lại.';
    }
    return '';
  }

  function guard(event, files) {
    var problems = Array.prototype.map.call(files || [], refusal).filter(Boolean);
    if (!problems.length) return false;
    event.stopImmediatePropagation();
    event.preventDefault();
    window.alert(problems.join('\n'));
    return true;
  }

  // Capture phase on window: runs before the media library sees the file.
  window.addEventListener('change', function (event) {
    var input = event.target;
    if (input && input.type === 'file' && guard(event, input.files)) input.value = '';
  }, true);
  window.addEventListener('drop', function (event) {
    guard(event, event.dataTransfer && event.dataTransfer.files);
  }, true);

  // --- Photos with their caption line -------------------------------------
  function stripStatic(src) {
    return String(src || '').replace(/^\{static\}\//, '');
  }

  CMS.registerEditorComponent({
    id: 'figure',
    label: 'Ảnh có chú thích',
    fields: [
      {
        name: 'image', label: 'Ảnh', widget: 'image', choose_url: false,
        media_library: { max_file_size: MAX_BYTES },
      },
      { name: 'alt', label: 'Mô tả ảnh (cho người khiếm thị)', widget: 'string' },
      {
        name: 'caption', label: 'Chú thích (dòng dưới ảnh)', widget: 'string',
        hint: 'Ghi tên người chụp ở cuối, ví dụ: Toàn cảnh Hội nghị (Ảnh: Duy Quý)',
      },
    ],
    // A photo line directly followed by its caption line (our figure syntax).
    pattern: /^!\[([^\]\n]*)\]\(([^)\s]+)\)\n([^\n!][^\n]*)/,
    fromBlock: function (match) {
      return { alt: match[1], image: match[2], caption: match[3] };
    },
    toBlock: function (data) {
      var caption = clean(data.caption || '');
      var alt = clean(data.alt || caption).replace(/[[\]]/g, '');
      return '![' + alt + '](' + (data.image || '') + ')\n' + caption;
    },
    toPreview: function (data, getAsset, fields) {
      var field = fields && fields.find(function (f) { return f.get('name') === 'image'; });
      var src = data.image ? getAsset(stripStatic(data.image), field) : '';
      return h('figure', { className: 'photo' },
        h('img', { src: String(src), alt: data.alt || '' }),
        h('figcaption', {}, data.caption || ''));
    },
  });

  // --- Messages -------------------------------------------------------------
  // Decap's Vietnamese locale, completed (vi.js) where it falls back to English.
  function merge(into, from) {
    Object.keys(from).forEach(function (key) {
      if (from[key] && typeof from[key] === 'object') {
        into[key] = merge(into[key] || {}, from[key]);
      } else {
        into[key] = from[key];
      }
    });
    return into;
  }
  CMS.registerLocale('vi', merge(CMS.getLocale('vi') || {}, window.TIN_PHUONG_VI));

  // --- Preview: the site's own CSS, laid out like an article page ---------
  CMS.registerPreviewStyle('preview.css');

  var ArticlePreview = window.createClass({
    render: function () {
      var data = this.props.entry.get('data');
      var topics = data.get('topics');
      var date = String(data.get('date') || '').replace(/^(\d{4})-(\d{2})-(\d{2}).*/, '$3/$2/$1');
      return h('main', { className: 'wrap' },
        h('article', { className: 'article' },
          h('header', {},
            h('h1', {}, data.get('title') || ''),
            h('p', { className: 'meta' },
              ['Phường ' + (data.get('ward') || '…'), date].filter(Boolean).join(' · ')),
            h('p', { className: 'topics' },
              (topics && topics.toJS ? topics.toJS() : []).map(function (t) {
                return h('span', { className: 'topic', key: t }, t);
              }))),
          h('div', { className: 'prose' }, this.props.widgetFor('body')),
          data.get('authors') ? h('p', { className: 'byline' }, 'Tác giả: ' + data.get('authors')) : null));
    },
  });
  CMS.registerPreviewTemplate('tin-tuc', ArticlePreview);
})();
