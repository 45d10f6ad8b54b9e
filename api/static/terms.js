// Glossary terms: a tap or Enter keeps the explanation open; Escape or a tap elsewhere closes it.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".term-button");
  document.querySelectorAll(".term-button[aria-expanded='true']").forEach((open) => {
    if (open !== button) open.setAttribute("aria-expanded", "false");
  });
  if (button) {
    const expanded = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", expanded ? "false" : "true");
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".term-button[aria-expanded='true']").forEach((open) => {
    open.setAttribute("aria-expanded", "false");
  });
});
