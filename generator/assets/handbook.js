// Shipped with the handbook plugin: keyboard access Material's header lacks.
// Material opens the navigation drawer and the search with <label>s a keyboard cannot reach. Make them buttons:
// Tab reaches them, Enter presses them (Material's own shortcut for a focused label) and so does Space; they say
// whether they are open. Their names come from the page, so they follow the program's language.
(() => {
  const names = {
    __drawer: () => document.querySelector(".md-nav--primary")?.getAttribute("aria-label"),
    __search: () => document.querySelector(".md-search__input")?.getAttribute("aria-label"),
  };
  for (const label of document.querySelectorAll(".md-header label.md-header__button[for]")) {
    const toggle = document.getElementById(label.htmlFor);
    if (!toggle) continue;
    label.setAttribute("role", "button");
    label.tabIndex = 0;
    const name = names[label.htmlFor]?.();
    if (name && !label.hasAttribute("aria-label")) label.setAttribute("aria-label", name);
    const sync = () => label.setAttribute("aria-expanded", String(toggle.checked));
    sync();
    toggle.addEventListener("change", sync);
    label.addEventListener("keydown", (event) => {
      if (event.key !== " ") return;
      event.preventDefault();
      label.click();
    });
  }
})();
