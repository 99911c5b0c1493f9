/**
 * The storage contract test kit. A provider's test extends {@link dev.heirloom.tck.StorageTargetContract}
 * and supplies fresh targets; every SPI rule is then checked against the real backend.
 */
package dev.heirloom.tck;
