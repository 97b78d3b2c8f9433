// The calendar page's "Copy link" button (no inline script: the Content-Security-Policy allows none).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("copy-link");
  const field = document.getElementById("feed-url");
  const status = document.getElementById("copy-status");
  if (!button || !field) return;
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
    } catch (e) {
      document.execCommand("copy");  // older phones; the field stays selected for a long-press copy
    }
    if (status) status.textContent = button.dataset.done;
  });
});
