/* Starts Det Fælles Designsystem's components (mobile menu, accordions, responsive tables)
   once the page is parsed; no inline script is allowed by the Content-Security-Policy. */
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS) {
    window.DKFDS.init();
  }
});
