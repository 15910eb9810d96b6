// Trace event types of the ASGI models (codes 110+; the kernel has 0-99,
// and 100-109 are the kernel test programs' in sim/testing/).
// Their codes go into trace hashes: never renumber one.
#ifndef HANGUP_MODELS_ASGI_EVENTS_H_
#define HANGUP_MODELS_ASGI_EVENTS_H_

#include "sim/trace.h"

namespace models {

// clang-format off
inline constexpr sim::EventType kEvAppSend{110, "app-send"};          // a=type b=seq
inline constexpr sim::EventType kEvAppRecv{111, "app-receive"};       // a=type b=code
inline constexpr sim::EventType kEvLog{112, "log"};                   // a=level
inline constexpr sim::EventType kEvNotice{113, "server-notice"};      // a=NoticeCause
inline constexpr sim::EventType kEvClientClose{114, "client-close"};  // a=kind
inline constexpr sim::EventType kEvClientRead{115, "client-read"};    // b=tag
inline constexpr sim::EventType kEvAppEnd{116, "app-end"};            // a=AppEnd
inline constexpr sim::EventType kEvKill{117, "watchdog-kill"};
inline constexpr sim::EventType kEvWrite{118, "server-write"};        // a=status b=tag
inline constexpr sim::EventType kEvWsState{119, "ws-state"};          // a=state
inline constexpr sim::EventType kEvClientWrite{120, "client-write"};  // b=tag
inline constexpr sim::EventType kEvSendRaised{121, "send-raised"};
inline constexpr sim::EventType kEvAppNote{122, "app"};               // app models
inline constexpr sim::EventType kEvFlow{123, "flow"};                 // a=paused
inline constexpr sim::EventType kEvMiddlewareSend{124, "mw-send"};    // a=type b=seq
// clang-format on

}  // namespace models

#endif  // HANGUP_MODELS_ASGI_EVENTS_H_
