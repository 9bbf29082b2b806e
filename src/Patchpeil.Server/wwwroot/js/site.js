// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary after a failed submit, so screen readers announce it.
  const summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();
  // Copy buttons (e.g. a new API token).
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", () => {
      const target = document.getElementById(button.getAttribute("data-copy"));
      if (target && navigator.clipboard) navigator.clipboard.writeText(target.textContent.trim());
    });
  });
});
