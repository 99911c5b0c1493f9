/** What a backup would copy to each target, worked out before anything is written. */
package dev.heirloom.plan;
