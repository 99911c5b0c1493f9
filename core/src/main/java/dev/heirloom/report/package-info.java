/**
 * The photo-aware 3-2-1 report: {@link dev.heirloom.report.PhotoReport} says whether the policy is
 * met and why, shows each target's state, the library's coverage by capture month and the photos
 * at risk; {@link dev.heirloom.report.HtmlReport} renders it as one self-contained web page.
 */
package dev.heirloom.report;
