// CI=true (or 1): set by CI services and by .ci/run. In CI nothing may be skipped (needs.ts).
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
