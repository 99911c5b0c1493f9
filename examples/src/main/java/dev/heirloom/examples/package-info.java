/** Small programs showing how an application embeds Heirloom. */
package dev.heirloom.examples;
