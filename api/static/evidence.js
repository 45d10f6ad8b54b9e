// Scroll to the evidence; let a clinician turn a text selection into character offsets.
const mark = document.getElementById("evidence");
if (mark && mark.textContent) mark.scrollIntoView({block: "center"});
const pageText = document.getElementById("page-text");
const forms = document.querySelectorAll("[data-add-fact]");

function offsetWithin(container, node, offset) {
  const range = document.createRange();
  range.selectNodeContents(container);
  range.setEnd(node, offset);
  return range.toString().length;
}

if (forms.length && pageText) {
  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!pageText.contains(range.startContainer) || !pageText.contains(range.endContainer)) return;
    const start = offsetWithin(pageText, range.startContainer, range.startOffset);
    const end = offsetWithin(pageText, range.endContainer, range.endOffset);
    forms.forEach((form) => {
      form.querySelector("[data-start]").value = start;
      form.querySelector("[data-end]").value = end;
    });
    document.getElementById("selected").textContent = range.toString();
  });
}
