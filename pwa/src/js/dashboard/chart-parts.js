/**
 * The parts of Chart.js the dashboard draws with (bars and lines, their two scales, the legend
 * and the tooltips): chart-lib.js registers each of them, and only these are bundled.
 */

export {
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
