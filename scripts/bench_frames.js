// Frame-time harness for scripts/bench_frames.sh, injected into a copy of the release index.html (never
// into the site itself). Time to interactive: performance.now() (ms since navigation start) at the first
// animation frame after the app's flow diagram and play button are in the DOM. Then it records every
// requestAnimationFrame interval for PF_BENCH_SECONDS of real time while the app plays, notes long tasks
// (PerformanceObserver 'longtask', > 50 ms on the main thread), and writes a JSON summary into
// <pre id="pf-bench-result" hidden>.
(function () {
  var query = new URLSearchParams(location.search);
  var seconds = Number(query.get("seconds")) || 10;
  // ?profile=1: podflow records timing marks into this array (src/ui/profile.rs).
  if (query.get("profile")) window.__pfProfile = [];
  var longTasks = [], longTaskSpans = [], slowFrames = [];
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        longTasks.push(e.duration);
        longTaskSpans.push([Math.round(e.startTime * 10) / 10, Math.round(e.duration * 10) / 10]);
      });
    }).observe({ type: "longtask", buffered: true });
  } catch (e) { /* no long-task timing: reported as null */ }
  var tti = null, start = null, last = null, intervals = [];
  function ready() {
    return document.querySelector('[data-testid="flow-diagram"]') &&
      document.querySelector('.pf-app button');
  }
  function pct(sorted, p) {
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
  }
  function finish(now) {
    var sorted = intervals.slice().sort(function (a, b) { return a - b; });
    var sum = intervals.reduce(function (a, b) { return a + b; }, 0);
    var r2 = function (x) { return Math.round(x * 100) / 100; };
    var result = {
      tti_ms: r2(tti), seconds: r2((now - start) / 1000), frames: intervals.length,
      fps: r2(intervals.length / ((now - start) / 1000)),
      mean_ms: r2(sum / intervals.length), p50_ms: r2(pct(sorted, 0.5)), p95_ms: r2(pct(sorted, 0.95)),
      p99_ms: r2(pct(sorted, 0.99)), max_ms: r2(sorted[sorted.length - 1]),
      over_20ms: intervals.filter(function (x) { return x > 20; }).length,
      long_tasks: longTasks.length,
      longest_task_ms: longTasks.length ? r2(Math.max.apply(null, longTasks)) : 0,
      pods_shown: document.querySelectorAll('[data-testid="flow-diagram"] .pf-token').length,
      alert: (document.querySelector('[role="alert"]') || {}).textContent || null,
    };
    if (window.__pfProfile) {
      result.slow_frames = slowFrames;
      result.long_task_spans = longTaskSpans;
      result.profile = window.__pfProfile;
    }
    var pre = document.createElement("pre");
    pre.id = "pf-bench-result";
    pre.hidden = true;
    pre.textContent = JSON.stringify(result);
    document.body.appendChild(pre);
  }
  function frame(now) {
    if (tti === null) {
      if (!ready()) {
        if (now > 60000) { tti = now; start = now; last = now; finish(now); return; }
        requestAnimationFrame(frame);
        return;
      }
      // performance.now(), not the frame's timestamp: the frame may have begun before a long task.
      tti = performance.now();
      requestAnimationFrame(frame);
      return;
    }
    if (start === null) { start = now; last = now; requestAnimationFrame(frame); return; }
    intervals.push(now - last);
    if (now - last > 20) slowFrames.push([Math.round(last * 10) / 10, Math.round((now - last) * 10) / 10]);
    last = now;
    if (now - start < seconds * 1000) requestAnimationFrame(frame); else finish(now);
  }
  requestAnimationFrame(frame);
})();
