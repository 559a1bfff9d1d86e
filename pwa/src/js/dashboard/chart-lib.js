/** Chart.js with only the parts the dashboard draws (chart-parts.js), loaded on demand. */

import { Chart } from 'chart.js';
import * as parts from './chart-parts.js';

Chart.register(...Object.values(parts));

export { Chart };
