// Review by keyboard: j/k move between items, c/x/e choose confirm/reject/correct, 1-9 a choice
// by its number, Enter saves. The forms work without this script; it only adds the keys.
const items = Array.from(document.querySelectorAll("[data-review-item]"));
let current = 0;

const CHOICE_INPUTS = ["radio", "checkbox", "button", "submit"];

function typing(target) {
  const field = target.closest("input, textarea, select, [contenteditable]");
  return field !== null && !(field.tagName === "INPUT" && CHOICE_INPUTS.includes(field.type));
}

function open(index, scroll = true) {
  if (!items.length) return;
  current = Math.max(0, Math.min(index, items.length - 1));
  items.forEach((item, i) => item.classList.toggle("current", i === current));
  items[current].focus({preventScroll: !scroll});
  if (scroll) items[current].scrollIntoView({block: "start"});
}

function choose(radio) {
  if (!radio) return;
  radio.checked = true;
  radio.dispatchEvent(new Event("change", {bubbles: true}));
  const form = radio.form;
  if (radio.dataset.decision === "correct") {
    const field = form.querySelector("[data-correction] input");
    if (field) { field.focus(); return; }
  }
  form.querySelector("button").focus();
}

function radios() {
  return items.length ? Array.from(items[current].querySelectorAll("input[name=decision]")) : [];
}

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
  const inItem = items[current] && items[current].contains(document.activeElement);
  if (!inItem && document.activeElement !== document.body && event.key !== "j" && event.key !== "k") return;
  const byKind = (kind) => radios().find((radio) => radio.dataset.decision === kind);
  const actions = {
    j: () => open(current + 1),
    k: () => open(current - 1),
    c: () => choose(byKind("confirm")),
    x: () => choose(byKind("reject")),
    e: () => choose(byKind("correct")),
  };
  let action = actions[event.key];
  if (!action && /^[1-9]$/.test(event.key)) action = () => choose(radios()[Number(event.key) - 1]);
  if (!action) return;
  event.preventDefault();
  action();
});

// Selecting a choice marks it, so what the patient will see after it stands out.
document.addEventListener("change", (event) => {
  if (event.target.name !== "decision") return;
  event.target.form.querySelectorAll("label.choice").forEach((label) => {
    label.classList.toggle("chosen", label.contains(event.target));
  });
});

// After a decision the page comes back at the next open item; focus goes to it.
if (items.length) open(0, location.hash === "#next");
else if (location.hash === "#next") document.getElementById("back-to-queue")?.focus();
