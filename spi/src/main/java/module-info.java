/**
 * What a Heirloom storage provider implements: {@link dev.heirloom.spi.StorageTargetProvider}
 * and the {@link dev.heirloom.spi.StorageTarget} it opens, with the value and exception types
 * they share. Depends on nothing but {@code java.base}.
 */
module dev.heirloom.spi {
    exports dev.heirloom.spi;
}
