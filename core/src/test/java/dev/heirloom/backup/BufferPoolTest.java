package dev.heirloom.backup;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BufferPoolTest {
    @Test
    void anIdleArrayIsReusedForAnyPhotoUpToTwiceSmaller() {
        BufferPool pool = new BufferPool(2);
        byte[] first = pool.take(5_000_001);
        assertThat(first.length).as("whole MiB").isEqualTo(5 << 20);
        pool.giveBack(first);
        assertThat(pool.take(3_500_000)).as("fits and is at most twice the size").isSameAs(first);
        pool.giveBack(first);
        assertThat(pool.take(2_000_000)).as("more than twice the size: a new, smaller one").isNotSameAs(first)
                .hasSize(2 << 20);
        assertThat(pool.take(10)).hasSize(64 * 1024);
    }

    @Test
    void atMostKeepIdleArraysAreKeptAndTheLargestStay() {
        BufferPool pool = new BufferPool(2);
        byte[] small = pool.take(1 << 20);
        byte[] medium = pool.take(3 << 20);
        byte[] large = pool.take(7 << 20);
        pool.giveBack(small);
        pool.giveBack(medium);
        pool.giveBack(large);
        assertThat(pool.take(7 << 20)).isSameAs(large);
        assertThat(pool.take(3 << 20)).isSameAs(medium);
        assertThat(pool.take(1 << 20)).as("dropped when the pool was full").isNotSameAs(small);
    }
}
