/** The shape of the fitter's output (calibration.generated.ts), read by tests, the CLI and the UI. */
export interface FitTable {
  engine: string;
  procedure: string;
  row_duration_ms: number;
  free_constants: number;
  /**
   * `loo_range`: the least and greatest value the constant takes over the leave-one-out refits
   * (one per row left out; a constant only that row constrains goes back to its start there).
   */
  constants: { name: string; value: number; rows: string[]; unit: string; loo_range: [number, number] }[];
  /** `loo_constants`: the free constants of the refit without this row, whose model gave `loo_error`. */
  rows: { name: string; measured_pps: number; model_pps: number; error: number; loo_error: number; loo_constants: Record<string, number>; source: string }[];
  summary: { median_abs_error: number; worst_abs_error: number; median_abs_loo_error: number; worst_abs_loo_error: number };
}
