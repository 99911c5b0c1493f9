/** Keeping an immutable target's files locked for as long as the snapshots that need them are kept. */
package dev.heirloom.immutability;
