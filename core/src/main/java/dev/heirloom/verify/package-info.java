/** Checking that the objects every snapshot names are still on a target, and still intact. */
package dev.heirloom.verify;
