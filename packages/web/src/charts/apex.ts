import 'apexcharts/line';
import 'apexcharts/bar';
import 'apexcharts/features/legend';
import 'apexcharts/features/annotations';
import VueApexCharts from 'vue3-apexcharts/core';

/**
 * apexcharts from its tree-shakable core: only the line and bar types, the legend and the
 * annotations (today's incomplete day) ship. Loaded with the first chart, not with sign-in.
 */
export default VueApexCharts;
