// The print page's "Print" button (no inline script: the Content-Security-Policy allows none).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-now");
  if (button) button.addEventListener("click", () => window.print());
});
