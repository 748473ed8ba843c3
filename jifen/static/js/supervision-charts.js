// Supervision charts: every <div data-supervision-chart="histogram|comparison" data-source="id">
// is drawn from the JSON block with that id (no inline scripts: the pages run under a strict
// CSP). Each chart has a table alternative next to it on the page.
(() => {
  const RED = "#c8161d";
  const GREY = "#8c9bab";
  const GOLD = "#d48806";
  const number = (value) => (value === null || value === undefined ? null : Number(value));

  const options = {
    // official totals in bins of 5 points; bins at or above the excellent line in red
    histogram: (bins) => ({
      grid: { left: 40, right: 12, top: 28, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", name: "分", data: bins.map((b) => b.label),
               axisLabel: { rotate: bins.length > 5 ? 40 : 0 } },
      yAxis: { type: "value", name: "人数", minInterval: 1 },
      series: [{
        type: "bar", name: "人数",
        data: bins.map((b) => ({ value: b.count, itemStyle: { color: b.excellent ? RED : GREY } })),
      }],
    }),
    // branches side by side: mean total (bottom axis, points), shares (top axis, percent)
    comparison: (rows) => ({
      legend: { top: 0, itemWidth: 14, textStyle: { fontSize: 11 } },
      grid: { left: 8, right: 28, top: 56, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      yAxis: { type: "category", inverse: true, data: rows.map((r) => r.name),
               axisLabel: { width: 110, overflow: "truncate" } },
      xAxis: [
        { type: "value", name: "分", position: "bottom", scale: false },
        { type: "value", name: "%", position: "top", min: 0, max: 100, splitLine: { show: false } },
      ],
      series: [
        { type: "bar", name: "平均分", xAxisIndex: 0, itemStyle: { color: GREY },
          data: rows.map((r) => number(r.mean)) },
        { type: "bar", name: "优秀线以上占比", xAxisIndex: 1, itemStyle: { color: RED },
          data: rows.map((r) => number(r.excellent)) },
        { type: "bar", name: "诫勉线以下占比", xAxisIndex: 1, itemStyle: { color: GOLD },
          data: rows.map((r) => number(r.below)) },
      ],
    }),
  };

  document.addEventListener("DOMContentLoaded", () => {
    if (!window.echarts) return;
    document.querySelectorAll("[data-supervision-chart]").forEach((element) => {
      const option = options[element.dataset.supervisionChart];
      const source = document.getElementById(element.dataset.source);
      if (!option || !source) return;
      const data = JSON.parse(source.textContent);
      if (!data.length) {
        element.textContent = "暂无数据";
        element.classList.add("text-muted", "small");
        element.style.height = "auto";
        return;
      }
      const chart = window.echarts.init(element);
      chart.setOption(option(data));
      window.addEventListener("resize", () => chart.resize());
    });
  });
})();
