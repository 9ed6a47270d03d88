/** Rolling releases: the droplets of a service in batches, each after the previous one is healthy. */

/**
 * Splits `items` into consecutive batches of at most `size`, in order: the first droplets go first.
 * A size of at least the count releases everything in one batch.
 */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a batch size is a whole number of at least 1, got ${size}`);
    const batches: T[][] = [];
    for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
    return batches;
}
