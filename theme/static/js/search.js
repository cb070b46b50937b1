/* The search page, over Pagefind's JS API (https://pagefind.app/docs/api/).
 *
 * The index holds reports, announcements and documents (filter "Loại").
 * It is one Pagefind bundle per year (plugins/search), listed in
 * pagefind/bundles.json: the newest is loaded, the others merged into it with
 * Pagefind's mergeIndex, so one search covers every year.
 *
 * Vietnamese typed without marks: Pagefind itself matches "thuong" with
 * "thưởng" (and ranks the exact marks first), but not "d" with "đ", a letter
 * of its own. So a word starting with "d" is also searched with "đ"
 * ("dang uy" as "dang uy" and "đang uy") and the results are joined; the
 * index holds only the reports' own text, so every excerpt is their words.
 *
 * A report matches a query of several syllables only where they stand next
 * to each other (realMatch). No inline script or style: CSP script-src 'self', style-src 'self'.
 */
const TEXT = {
  loading: "Đang tải chỉ mục tìm kiếm…",
  searching: "Đang tìm…",
  failed: "Không tải được công cụ tìm kiếm. Bạn vẫn có thể xem tin theo phường, năm và chủ đề.",
  found: (n, q) => `Tìm thấy ${n} tin cho “${q}”`,
  none: (q) => `Không tìm thấy tin nào cho “${q}”.`,
  filters: "Lọc kết quả",
  reports: (n) => `${n} tin`,
  number: "Số",
};
// Filter names as the index has them (plugins/search/records.py), in order:
// the kind (news, announcements, documents) first, then WARD; the documents'
// own ones last.
const FILTERS = ["Loại", "Phường", "Năm", "Chủ đề", "Loại văn bản", "Cơ quan ban hành"];
const PAGE = 10;
const EXCERPT = 30;
const EXACT_POOL = 30;
const WARD = "Phường";
const MAX_VARIANTS = 16;

const form = document.getElementById("search");
const input = document.getElementById("search-input");
const filterBox = document.getElementById("search-filters");
const statusLine = document.getElementById("search-status");
const hint = document.getElementById("search-hint");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");

/** Lower case, no tone or vowel marks, đ as d. */
function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
}

/** A word with its tone mark moved to its end: "hòa" and "hoà", "ủy" and
    "uỷ" are the same word; "thưởng" and "thường" are not. */
const TONES = /[\u0300\u0301\u0303\u0309\u0323]/g;
function toneKey(word) {
  const parts = word.normalize("NFD");
  return parts.replace(TONES, "") + (parts.match(TONES) || []).join("");
}

/** The query's words, NFC and lower case. */
function wordsOf(query) {
  return query.normalize("NFC").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** The query as typed, and with "đ" for each word's leading "d". */
function variants(words) {
  let all = [[]];
  for (const word of words) {
    const forms = word.startsWith("d") ? [word, "đ" + word.slice(1)] : [word];
    all = all.flatMap((start) => forms.map((form) => [...start, form]));
    all = all.slice(0, MAX_VARIANTS);
  }
  return all.map((v) => v.join(" "));
}

/** A report matches a query of several words only where each of them
    stands beside another one ("tiep xuc cu tri" is not four syllables
    scattered over a page). Pagefind's quoted phrase search would say so
    too, but 1.5.2 misses pages where a word has several spellings ("ủy",
    "uỷ"): 25 of 220 pages for "khen thưởng", measured. */
function realMatch(positions, count) {
  if (count < 2) return true;
  const at = new Set(positions);
  let paired = 0;
  for (const p of at) if (at.has(p - 1) || at.has(p + 1)) paired += 1;
  return paired >= count;
}

/** A word of the page as compared with the query's words. */
function bare(token) {
  return (wordsOf(token)[0] || "");
}

/** Does a page's word answer the query's word number ``i``? Exact marks when
    the query word has any, else any marks; the last one may be unfinished. */
function answers(word, words, i) {
  const q = words[i];
  const exact = fold(q) !== q;
  const a = exact ? toneKey(word) : fold(word);
  const b = exact ? toneKey(q) : fold(q);
  return a === b || (i === words.length - 1 && a.startsWith(b));
}

/** The excerpt: about EXCERPT words of the report's own text around where
    most query words stand in a row, those words marked. (Pagefind's own
    excerpt also marks "Thượng" for "thưởng", and centres on it.) */
function excerptNodes(content, words) {
  const tokens = content.split(/\s+/).filter(Boolean);
  const plain = tokens.map(bare);
  const hit = plain.map((w) => words.some((_, i) => answers(w, words, i)));
  let best = 0;
  let bestRun = 0;
  for (let start = 0; start < tokens.length; start += 1) {
    for (let j = 0; j < words.length; j += 1) {
      let run = 0;
      while (start + run < tokens.length && j + run < words.length
             && answers(plain[start + run], words, j + run)) run += 1;
      if (run > bestRun) [best, bestRun] = [start, run];
    }
  }
  const from = Math.max(0, best - Math.floor(EXCERPT / 3));
  const to = Math.min(tokens.length, from + EXCERPT);
  const nodes = [document.createTextNode(from > 0 ? "… " : "")];
  for (let k = from; k < to; k += 1) {
    const text = tokens[k] + (k < to - 1 ? " " : "");
    if (hit[k]) {
      nodes.push(element("mark", "", tokens[k]), document.createTextNode(text.slice(tokens[k].length)));
    } else {
      nodes.push(document.createTextNode(text));
    }
  }
  if (to < tokens.length) nodes.push(document.createTextNode(" …"));
  return nodes;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function showHit(result, words) {
  const item = element("li", "search-hit");
  list.append(item);
  const data = await result.data();
  const heading = element("h2", "search-hit-title");
  const link = element("a", "", data.meta.title);
  link.href = data.url;
  heading.append(link);
  const meta = element("p", "meta");
  // An announcement or a document: its kind (and a document's number).
  if (data.meta.kind) meta.append(element("span", "kind", data.meta.kind), " · ");
  if (data.meta.number) meta.append(element("span", "", `${TEXT.number} ${data.meta.number}`), " · ");
  if (data.meta.ward) meta.append(element("span", "ward", data.meta.ward), " · ");
  meta.append(element("span", "", data.meta.date));
  const excerpt = element("p", "search-excerpt");
  excerpt.append(...excerptNodes(data.content, words));
  item.append(heading, meta, excerpt);
}

function chosenFilters() {
  const chosen = {};
  for (const box of filterBox.querySelectorAll("input:checked")) {
    (chosen[box.name] ||= { any: [] }).any.push(box.value);
  }
  return chosen;
}

function showFilters(counts) {
  const details = element("details", "search-filter-box");
  details.append(element("summary", "", TEXT.filters));
  const collator = new Intl.Collator("vi");
  for (const name of FILTERS) {
    const values = Object.keys(counts[name] || {});
    if (!values.length) continue;
    values.sort(name === "Năm" ? (a, b) => b.localeCompare(a) : collator.compare);
    const group = element("fieldset", "search-filter");
    group.append(element("legend", "", name));
    for (const value of values) {
      const label = element("label");
      const box = element("input");
      box.type = "checkbox";
      box.name = name;
      box.value = value;
      label.append(box, ` ${value} `, element("span", "count", `(${TEXT.reports(counts[name][value])})`));
      group.append(label);
    }
    details.append(group);
  }
  filterBox.replaceChildren(details);
}

function main() {
  // The site's root on this host (SITEURL may name another, e.g. www.).
  const root = new URL(new URL(form.dataset.root, document.baseURI).pathname, location.origin);
  statusLine.textContent = TEXT.loading;
  form.hidden = false;
  let pagefind;
  let wards = [];
  // What is typed while the index loads is searched once it has loaded.
  const ready = (async () => {
    const listing = await fetch(new URL("pagefind/bundles.json", root));
    const names = (await listing.json()).bundles;
    pagefind = await import(new URL(`pagefind/${names[0]}/pagefind.js`, root).href);
    await pagefind.options({ baseUrl: root.pathname });
    for (const name of names.slice(1)) {
      await pagefind.mergeIndex(new URL(`pagefind/${name}/`, root).pathname);
    }
    const counts = await pagefind.filters();
    wards = Object.keys(counts[WARD] || {});
    showFilters(counts);
    if (statusLine.textContent === TEXT.loading) statusLine.textContent = "";
    return true;
  })().catch(() => {
    statusLine.textContent = TEXT.failed;
    hint.hidden = false;
    return false;
  });

  let latest = 0;
  let hits = [];
  let shown = 0;
  let words = [];

  async function showMore() {
    const next = hits.slice(shown, shown + PAGE);
    shown += next.length;
    more.hidden = shown >= hits.length;
    await Promise.all(next.map((hit) => showHit(hit, words)));
  }

  async function search() {
    const query = input.value.trim();
    const url = new URL(location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    const mine = ++latest;
    words = wordsOf(query);
    if (!words.length) {
      list.replaceChildren();
      statusLine.textContent = "";
      hint.hidden = more.hidden = true;
      return;
    }
    statusLine.textContent = TEXT.searching;
    if (!(await ready)) {
      statusLine.textContent = TEXT.failed;
      return;
    }
    if (mine !== latest) return;
    const filters = chosenFilters();
    const searches = await Promise.all(
      variants(words).map((v) => pagefind.search(v, { filters })),
    );
    if (mine !== latest) return;
    const best = new Map();
    for (const found of searches) {
      // Each spelling's own matches: "dang uy" may find "dân ... ủy" in a
      // page where "đang uy" finds "Đảng uỷ" side by side.
      for (const r of found.results.filter((r) => realMatch(r.words, words.length))) {
        if (!best.has(r.id) || best.get(r.id).score < r.score) best.set(r.id, r);
      }
    }
    hits = [...best.values()];
    const first = new Map(hits.map((r) => [r.id, 0]));
    // A ward named in the query: that ward's reports first.
    for (const ward of wards) {
      if (!` ${fold(query)} `.includes(` ${fold(ward)} `)) continue;
      const own = { ...filters, [WARD]: { any: [ward] } };
      const found = await Promise.all(
        variants(words).map((v) => pagefind.search(v, { filters: own })),
      );
      for (const r of found.flatMap((f) => f.results)) first.set(r.id, -1);
    }
    hits.sort((a, b) => first.get(a.id) - first.get(b.id) || b.score - a.score);
    // Marks in the query: of the best EXACT_POOL, those with the words
    // exactly as typed first ("thưởng", not "Thường").
    if (words.some((w) => fold(w) !== w)) {
      const pool = hits.slice(0, EXACT_POOL);
      const exact = new Set();
      await Promise.all(pool.map(async (r) => {
        const text = (await r.data()).content.split(/\s+/);
        const page = new Set(text.map((token) => toneKey(bare(token))));
        if (words.every((w) => page.has(toneKey(w)))) exact.add(r.id);
      }));
      pool.sort((a, b) => exact.has(b.id) - exact.has(a.id));
      hits.splice(0, pool.length, ...pool);
    }
    if (mine !== latest) return;
    list.replaceChildren();
    shown = 0;
    hint.hidden = hits.length > 0;
    statusLine.textContent = hits.length ? TEXT.found(hits.length, query) : TEXT.none(query);
    await showMore();
  }

  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  filterBox.addEventListener("change", search);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  more.addEventListener("click", showMore);
  const asked = new URLSearchParams(location.search).get("q");
  if (asked) {
    input.value = asked;
    search();
  }
}

if (form) main();
