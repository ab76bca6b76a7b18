// The only script: the printable page's Print button (no inline script: the CSP forbids it).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-page");
  if (button) button.addEventListener("click", () => window.print());
});
