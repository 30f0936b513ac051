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
        return { name: s.name, type: "bar", stack: "units", data: s.values, emphasis: { focus: "series" } };
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
        { name: "完成率", type: "bar", data: data.done_share, label: { show: data.townships.length <= 20, position: "top", formatter: "{c}%" } },
        { name: "加权进度", type: "line", data: data.weighted },
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
