// Shipped with the handbook plugin: keyboard and screen reader access Material's header lacks.
// Material opens the navigation drawer and the search with <label>s, which a keyboard cannot reach and a screen
// reader does not announce as controls. Each becomes a real <button> that toggles the same checkbox (so Material's
// own code sees the change) and says whether it is open; opening the drawer moves focus into it. Names come from
// the page, so they follow the program's language; the search dialog gets the search field's name.
(() => {
  const names = {
    __drawer: () => document.querySelector(".md-nav--primary")?.getAttribute("aria-label"),
    __search: () => document.querySelector(".md-search__input")?.getAttribute("aria-label"),
  };
  for (const label of document.querySelectorAll(".md-header label.md-header__button[for]")) {
    const toggle = document.getElementById(label.htmlFor);
    if (!toggle) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = `${label.className} handbook-toggle`;
    button.dataset.toggle = label.htmlFor; // handbook.css shows and hides it where Material's CSS does the label
    button.replaceChildren(...label.childNodes);
    const name = label.getAttribute("aria-label") || names[label.htmlFor]?.();
    if (name) button.setAttribute("aria-label", name);
    const sync = () => button.setAttribute("aria-expanded", String(toggle.checked));
    sync();
    toggle.addEventListener("change", sync);
    button.addEventListener("click", () => {
      toggle.click();
      // The open drawer comes after the whole header in the Tab order: take focus into it, where the eyes are.
      if (label.htmlFor !== "__drawer" || !toggle.checked) return;
      document.querySelector(".md-sidebar--primary a[href]")?.focus();
    });
    label.replaceWith(button);
    if (label.htmlFor === "__drawer") {
      // Escape closes the open drawer, as it closes the search, and gives focus back to the button that opened it.
      document.addEventListener("keydown", (event) => {
        if (event.key !== "Escape" || !toggle.checked) return;
        toggle.click();
        button.focus();
      });
    }
  }
  const dialog = document.querySelector(".md-search[role=dialog]");
  const searchName = names.__search();
  if (dialog && searchName && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", searchName);
})();
