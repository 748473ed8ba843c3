// Render every <div data-chart> from the JSON block named by data-source (no inline scripts).
document.addEventListener("DOMContentLoaded", () => {
  if (!window.echarts) return;
  document.querySelectorAll("[data-chart]").forEach((element) => {
    const source = document.getElementById(element.dataset.source);
    if (!source) return;
    const points = JSON.parse(source.textContent);
    if (!points.length) {
      element.textContent = "暂无数据";
      element.classList.add("text-muted", "small");
      return;
    }
    const chart = window.echarts.init(element);
    chart.setOption({
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: points.map((p) => `${p.month}月`) },
      yAxis: { type: "value", scale: true },
      series: [{ type: "line", name: element.dataset.label || "积分",
                 data: points.map((p) => Number(p.total)), step: "end",
                 itemStyle: { color: "#c8161d" } }],
    });
    window.addEventListener("resize", () => chart.resize());
  });
});
