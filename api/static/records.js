// Upload by drag and drop or file picker, then follow each document through its job states.
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const table = document.querySelector("#documents tbody");
const message = document.getElementById("upload-message");

async function upload(files) {
  for (const file of files) {
    const body = new FormData();
    body.append("file", file);
    message.textContent = `Uploading ${file.name}…`;
    const response = await fetch("/api/documents", {method: "POST", body, credentials: "same-origin", headers: {"X-CSRF-Token": csrf}});
    const data = await response.json();
    message.textContent = response.ok ? `${file.name}: ${data.duplicate ? "already uploaded" : "received"}` : `${file.name}: ${data.detail}`;
  }
  poll();
}

async function poll() {
  const response = await fetch("/api/documents", {credentials: "same-origin"});
  if (!response.ok) return;
  const docs = await response.json();
  const active = docs.some(d => !["done", "failed"].includes(d.status));
  const known = new Set([...table.querySelectorAll("tr[data-id]")].map(r => r.dataset.id));
  if (docs.some(d => !known.has(d.id)) || (!active && table.dataset.active === "1")) { location.reload(); return; }
  for (const d of docs) {
    const row = table.querySelector(`tr[data-id="${d.id}"]`);
    const status = row.querySelector(".status");
    status.textContent = d.status + (d.error ? `: ${d.error.message}` : "");
    status.className = `status status-${d.status}`;
    row.querySelector("progress").value = d.progress;
  }
  table.dataset.active = active ? "1" : "0";
  if (active) setTimeout(poll, 1000);
}

// A document rendered while still in progress reloads the page once it is done, even if it
// finished before the first poll.
table.dataset.active = [...table.querySelectorAll("tr[data-id] .status")]
  .some(s => !/status-(done|failed)/.test(s.className)) ? "1" : "0";
document.getElementById("file").addEventListener("change", e => upload(e.target.files));
const drop = document.getElementById("drop");
drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", e => { e.preventDefault(); drop.classList.remove("over"); upload(e.dataTransfer.files); });
for (const form of document.querySelectorAll("form.confirm")) {
  form.addEventListener("submit", e => { if (!confirm(form.dataset.confirm)) e.preventDefault(); });
}
document.getElementById("print-page")?.addEventListener("click", () => window.print());
poll();
