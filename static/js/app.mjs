// Sharewell's browser code: GOV.UK Frontend's components, also inside content htmx swaps in.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

initAll();

// htmx fires htmx:load for every element it adds to the page (and once for <body>, which
// initAll above has already done). Components in new content need initialising too.
document.addEventListener("htmx:load", (event) => {
  const element = event.detail.elt;
  if (element instanceof Element && element !== document.body) {
    initAll({ scope: element });
  }
});
