// When the reader's session has ended (signed out elsewhere, expired, account disabled), the
// server answers the page's next request with 401: go to the sign-in page, which brings the
// reader back here, instead of a page that silently stops updating.
(function () {
  "use strict";
  var original = window.fetch;
  window.fetch = function () {
    return original.apply(this, arguments).then(function (response) {
      if (response.status === 401 && location.pathname !== "/dang-nhap") {
        location.assign("/dang-nhap?next=" + encodeURIComponent(location.pathname + location.search));
      }
      return response;
    });
  };
})();
