// jifen: small behaviours, no inline scripts (the pages run under a strict CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Buttons that ask before a destructive action: <button data-confirm="确定撤销？">
  document.body.addEventListener("click", (event) => {
    const target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.dataset.confirm)) {
      event.preventDefault();
    }
  });
});

document.addEventListener("DOMContentLoaded", () => {
  // <select data-autosubmit> submits its form when changed.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // <input type="checkbox" data-check-all="name"> ticks every checkbox with that name.
  document.querySelectorAll("[data-check-all]").forEach((box) => {
    box.addEventListener("change", () => {
      document.querySelectorAll(`input[name="${box.dataset.checkAll}"]`).forEach((other) => {
        other.checked = box.checked;
      });
    });
  });
});
