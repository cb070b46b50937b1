/* Search page: Pagefind's UI in Vietnamese. "đ" is searched as "d": every
   report's search record also holds its đ-words written with d
   (plugins/search), so "dang uy"
   and "đảng uỷ" both find "Đảng uỷ". No inline script: CSP script-src 'self'. */
(function () {
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  new PagefindUI({
    element: "#search",
    bundlePath: box.getAttribute("data-bundle"),
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    processTerm: function (term) {
      return term.replace(/đ/g, "d").replace(/Đ/g, "D");
    },
    translations: {
      placeholder: "Tìm tin, ví dụ: dang uy, quoc phong",
      clear_search: "Xóa",
      load_more: "Xem thêm kết quả",
      search_label: "Tìm trong các bản tin",
      filters_label: "Lọc",
      zero_results: "Không tìm thấy tin nào cho “[SEARCH_TERM]”",
      many_results: "[COUNT] tin cho “[SEARCH_TERM]”",
      one_result: "[COUNT] tin cho “[SEARCH_TERM]”",
      alt_search: "Không có kết quả cho “[SEARCH_TERM]”. Kết quả cho “[DIFFERENT_TERM]”",
      search_suggestion: "Không có kết quả cho “[SEARCH_TERM]”. Thử tìm:",
      searching: "Đang tìm “[SEARCH_TERM]”..."
    }
  });
  // A visible label for the box (Pagefind gives it only aria-label).
  var input = box.querySelector("input");
  if (input) {
    input.id = "search-input";
    input.setAttribute("aria-describedby", "search-help");
    var label = document.createElement("label");
    label.setAttribute("for", "search-input");
    label.className = "search-label";
    label.textContent = "Từ cần tìm";
    box.insertBefore(label, box.firstChild);
  }
})();
