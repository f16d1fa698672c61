/* mlanim book: search, variant sliders, and playing lessons when seen.
 * Plain JavaScript, no framework; the pages work without it (the poster
 * shows, the controls play, the script's own variant is the one shown). */
(function () {
  "use strict";
  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  /* Lessons play when on screen, unless the reader asked for less motion. */
  var videos = Array.prototype.slice.call(document.querySelectorAll("video[data-autoplay]"));
  /* captions loaded but not shown until the reader turns them on */
  videos.forEach(function (v) {
    for (var i = 0; i < v.textTracks.length; i++)
      if (v.textTracks[i].mode === "disabled") v.textTracks[i].mode = "hidden";
  });
  function start(v) {
    if (v.preload === "none") v.preload = "auto";
    if (reduce) return;
    var p = v.play();
    if (p && p.catch) p.catch(function () {});
  }
  if ("IntersectionObserver" in window) {
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) start(e.target);
        else if (!e.target.paused) e.target.pause();
      });
    }, {rootMargin: "200px"});
    videos.forEach(function (v) { io.observe(v); });
  } else {
    videos.forEach(start);
  }

  /* Variant sliders: each value's pre-rendered animation. */
  Array.prototype.forEach.call(document.querySelectorAll(".variants"), function (box) {
    var input = box.querySelector("input[type=range]");
    var out = box.querySelector("output");
    var items = box.querySelectorAll("li");
    var fig = box.closest("figure");
    var video = fig && fig.querySelector("video");
    var img = fig && fig.querySelector(".player img");
    function show() {
      var it = items[+input.value];
      if (!it) return;
      out.textContent = it.getAttribute("data-value");
      if (video && it.getAttribute("data-mp4")) {
        var mp4 = it.getAttribute("data-mp4");
        var sources = video.querySelectorAll("source");
        Array.prototype.forEach.call(sources, function (s) {
          if (s.type === "video/mp4") s.src = mp4; else s.removeAttribute("src");
        });
        if (it.getAttribute("data-poster")) video.poster = it.getAttribute("data-poster");
        video.load();
        if (!reduce) { var p = video.play(); if (p && p.catch) p.catch(function () {}); }
      }
      /* the GIF inside a <video> is only its fallback: never fetched
       * where the video plays (changing it would start, then abort, a
       * download); a lesson without a video shows the GIF itself */
      if (img && !video && it.getAttribute("data-gif")) img.src = it.getAttribute("data-gif");
      box.setAttribute("data-shown", it.getAttribute("data-value"));
    }
    input.addEventListener("input", show);
    out.textContent = items[0] ? items[0].getAttribute("data-value") : "";
  });

  /* Search over the index loaded as a script (works from file://). */
  var box = document.querySelector(".search");
  var q = document.getElementById("search");
  var list = document.getElementById("search-results");
  var index = window.MLANIM_SEARCH || [];
  if (!box || !q || !list) return;
  var root = box.getAttribute("data-root") || "";
  function words(s) { return s.toLowerCase().split(/[^a-z0-9\u00c0-\uffff]+/).filter(Boolean); }
  function search() {
    var want = words(q.value);
    list.innerHTML = "";
    if (!want.length) { list.hidden = true; return; }
    var hits = [];
    index.forEach(function (e) {
      var title = e.t.toLowerCase(), text = (e.t + " " + e.x).toLowerCase();
      var score = 0;
      for (var i = 0; i < want.length; i++) {
        if (text.indexOf(want[i]) < 0) return;
        score += title.indexOf(want[i]) >= 0 ? 3 : 1;
      }
      hits.push({e: e, score: score});
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    hits.slice(0, 12).forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + h.e.u;
      a.textContent = h.e.t;
      var small = document.createElement("small");
      small.textContent = h.e.k;
      a.appendChild(small);
      li.appendChild(a);
      list.appendChild(li);
    });
    if (!hits.length) {
      var li = document.createElement("li");
      li.className = "none";
      li.textContent = "Nothing found";
      list.appendChild(li);
    }
    list.hidden = false;
  }
  q.addEventListener("input", search);
  q.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    } else if (ev.key === "Escape") {
      q.value = ""; search();
    }
  });
})();
