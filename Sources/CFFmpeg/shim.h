// FFmpeg headers plus static inline wrappers for the function-like macros that Swift cannot
// import (AVERROR, AVERROR_EOF, AV_NOPTS_VALUE, AV_TIME_BASE_Q, av_err2str).
#ifndef ARRCOC_CFFMPEG_SHIM_H
#define ARRCOC_CFFMPEG_SHIM_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

static inline int arrcoc_averror(int e) { return AVERROR(e); }
static inline int arrcoc_averror_eof(void) { return AVERROR_EOF; }
static inline int arrcoc_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int arrcoc_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int64_t arrcoc_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational arrcoc_time_base_q(void) { return AV_TIME_BASE_Q; }
static inline int arrcoc_time_base(void) { return AV_TIME_BASE; }

/// Writes FFmpeg's text for an error code into `buf` (what av_err2str would return).
static inline const char *arrcoc_err2str(int errnum, char *buf, size_t size) {
    return av_make_error_string(buf, size, errnum);
}

/// Formats one FFmpeg log line (the va_list cannot be handled from Swift portably).
static inline int arrcoc_format_log_line(void *avcl, int level, const char *fmt, va_list vl,
                                         char *line, int size) {
    int print_prefix = 1;
    return av_log_format_line2(avcl, level, fmt, vl, line, size, &print_prefix);
}

#endif
