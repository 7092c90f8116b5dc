/** orderctl renders with the system's Chromium (Debian: apt-get install chromium); never download one. */
module.exports = { skipDownload: true };
