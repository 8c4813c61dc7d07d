// Loaded as the first thing in <body>, before anything is drawn, so that GOV.UK Frontend's
// styles for JavaScript-enhanced components apply from the start. An external file rather than
// the inline snippet of the GOV.UK page template: the Content-Security-Policy allows no inline
// script.
document.body.className +=
  " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
