export function build(options?: { quiet?: boolean }): Promise<void>;
export function isStale(): boolean;
export function ensureBuilt(options?: { quiet?: boolean }): Promise<void>;
