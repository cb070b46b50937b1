/* Words Decap CMS's Vietnamese locale lacks (it falls back to English for
 * them) and a few clearer ones for ward staff; merged into 'vi' by admin.js
 * through CMS.getLocale / CMS.registerLocale. */
window.TIN_PHUONG_VI = {
  auth: { loginWithAzure: 'Đăng nhập bằng Azure', loginWithForgejo: 'Đăng nhập bằng Forgejo' },
  collection: {
    collectionTop: {
      viewAs: 'Xem dạng', viewAsList: 'Xem dạng danh sách', viewAsGrid: 'Xem dạng lưới',
      groupBy: 'Nhóm theo',
    },
    entries: { unpublishedHeader: 'Bài chưa đăng' },
    groups: { other: 'Khác', negateLabel: 'Không phải %{label}' },
  },
  editor: {
    editorControl: { field: { widgetLabel: 'Ô %{widgetLabel}' } },
    editorInterface: {
      toggleI18n: 'Bật/tắt ngôn ngữ', togglePreview: 'Bật/tắt xem trước',
      toggleScrollSync: 'Cuộn cùng nhau', toggleNotes: 'Bật/tắt ghi chú',
    },
    editorNotesPane: {
      title: 'Ghi chú', emptyState: 'Chưa có ghi chú nào.', addNote: 'Thêm ghi chú',
      addPlaceholder: 'Viết ghi chú...', editPlaceholder: 'Sửa ghi chú...', save: 'Lưu',
      cancel: 'Hủy', edit: 'Sửa', delete: 'Xóa', resolve: 'Đã xử lý', unresolve: 'Mở lại',
      confirmDelete: 'Xóa ghi chú này?', shortcut: 'Mẹo: Ctrl+Enter để thêm nhanh',
    },
    editorToolbar: {
      status: 'Trạng thái: %{status}',
      statusInfoTooltipDraft:
        'Bài đang là bản nháp. Khi viết xong, chọn trạng thái «Chờ duyệt» để gửi duyệt.',
      statusInfoTooltipInReview:
        'Bài đang chờ duyệt; bạn vẫn có thể sửa thêm trong lúc chờ.',
    },
    editorWidgets: {
      markdown: {
        bold: 'Chữ đậm', italic: 'Chữ nghiêng', strikethrough: 'Gạch ngang', code: 'Mã',
        link: 'Liên kết', linkPrompt: 'Nhập địa chỉ của liên kết', headings: 'Đề mục',
        quote: 'Trích dẫn', bulletedList: 'Danh sách chấm', numberedList: 'Danh sách số',
        addComponent: 'Chèn ảnh có chú thích',
        toggleMode: { rich: 'Chuyển sang soạn thảo trực quan', markdown: 'Chuyển sang Markdown' },
      },
      image: {
        chooseMultiple: 'Chọn các ảnh', chooseUrl: 'Chèn từ địa chỉ web',
        replaceUrl: 'Thay bằng địa chỉ web', promptUrl: 'Nhập địa chỉ của ảnh',
        addMore: 'Thêm ảnh', removeAll: 'Bỏ tất cả ảnh',
      },
      file: {
        chooseUrl: 'Chèn từ địa chỉ web', chooseMultiple: 'Chọn các tệp',
        replaceUrl: 'Thay bằng địa chỉ web', promptUrl: 'Nhập địa chỉ của tệp',
        addMore: 'Thêm tệp', removeAll: 'Bỏ tất cả tệp',
      },
      datetime: { setToNow: 'Đặt %{fieldLabel} là bây giờ' },
      list: { add: 'Thêm %{item}', addType: 'Thêm %{item}' },
      object: { expand: 'Mở ra', collapse: 'Thu gọn' },
    },
  },
  mediaLibrary: {
    mediaLibraryCard: {
      copy: 'Chép', copyUrl: 'Chép địa chỉ', copyPath: 'Chép đường dẫn',
      copyName: 'Chép tên', copied: 'Đã chép',
    },
    mediaLibraryModal: { close: 'Đóng' },
  },
  ui: {
    settingsDropdown: { account: 'Tài khoản' },
    toast: {
      onFailToPersist:
        'Chưa lưu được bài (%{details}). Những gì bạn đã gõ vẫn còn nguyên trên trang: ' +
        'kiểm tra kết nối mạng rồi bấm lưu lại.',
      onFailToPersistMedia: 'Chưa tải ảnh lên được (%{details}).',
      missingRequiredField:
        'Còn thiếu thông tin bắt buộc (ô tô đỏ): điền đủ rồi bấm lưu lại.',
      noteAdded: 'Đã thêm ghi chú', onFailToAddNote: 'Không thêm được ghi chú: %{details}',
      noteUpdated: 'Đã sửa ghi chú', onFailToUpdateNote: 'Không sửa được ghi chú: %{details}',
      noteDeleted: 'Đã xóa ghi chú', onFailToDeleteNote: 'Không xóa được ghi chú: %{details}',
      noteResolved: 'Ghi chú đã xử lý', noteReopened: 'Đã mở lại ghi chú',
      onFailToToggleNote: 'Không đổi được ghi chú: %{details}',
    },
  },
};
