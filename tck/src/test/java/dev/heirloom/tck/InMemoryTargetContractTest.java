package dev.heirloom.tck;

import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.spi.StorageTarget;

/** The reference in-memory target passes the whole contract. */
class InMemoryTargetContractTest extends StorageTargetContract {
    @Override
    protected StorageTarget newTarget() {
        return new InMemoryTarget();
    }
}
