// The shape of one counter's entry in the tables of src/report/stats.ts.

export interface CounterInfo {
  slot: number;
  name: string;
  unit: string;
  description: string;
}
