/* Charts of the roll-up pages (ECharts, served from static/vendor). Each element with
   data-chart="stages|completion" reads its data from the json_script named in
   data-source; data-theme="dark" for the big screen. */
(function () {
  "use strict";
  // Tooltips are drawn on the canvas: ECharts' HTML tooltips carry style="" attributes, which
  // the Content-Security-Policy refuses.
  var TOOLTIP_MODE = "richText";
  function stages(data, dark) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: TOOLTIP_MODE },
      legend: { top: 0, textStyle: { color: dark ? "#dfe6ee" : "#1f2328" } },
      grid: { left: 8, right: 16, top: 56, bottom: 8, containLabel: true },
      xAxis: { type: "value", name: "村(社区)数", minInterval: 1 },
      yAxis: { type: "category", data: data.townships, inverse: true },
      series: data.stages.map(function (s) {
        // Each stage keeps its own colour (from the page's data) on every chart and legend.
        return { name: s.name, type: "bar", stack: "units", data: s.values, itemStyle: { color: s.colour }, emphasis: { focus: "series" } };
      }),
    };
  }
  function completion(data, dark) {
    return {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; }, renderMode: TOOLTIP_MODE },
      legend: { top: 0, textStyle: { color: dark ? "#dfe6ee" : "#1f2328" } },
      grid: { left: 8, right: 16, top: 40, bottom: data.townships.length > 30 ? 40 : 8, containLabel: true },
      xAxis: { type: "category", data: data.townships, axisLabel: { interval: 0, rotate: data.townships.length > 8 ? 40 : 0 } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      dataZoom: data.townships.length > 30 ? [{ type: "slider", bottom: 0, startValue: 0, endValue: 29 }] : [],
      series: [
        // A township at 0 % still shows a sliver of bar and its "0%", so it reads as nought
        // rather than as missing.
        { name: "完成率", type: "bar", data: data.done_share, barMinHeight: 2, itemStyle: { color: "#2f9e44" },
          label: { show: true, position: "top", formatter: "{c}%", fontSize: data.townships.length > 20 ? 9 : 12 } },
        { name: "加权进度", type: "line", data: data.weighted, itemStyle: { color: "#fab005" } },
      ],
    };
  }
  var builders = { stages: stages, completion: completion };
  function render(el) {
    if (typeof echarts === "undefined") return;
    var source = document.getElementById(el.dataset.source);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var dark = el.dataset.theme === "dark";
    var chart = echarts.init(el, dark ? "dark" : null, { renderer: "canvas" });
    var option = builders[el.dataset.chart](data, dark);
    if (dark) option.backgroundColor = "transparent";
    chart.setOption(option);
    el.dataset.rendered = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(render);
  });
})();
