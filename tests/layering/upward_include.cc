// Must NOT compile: server/runtime/ is the lowest layer, and this file, built
// as part of it, includes a header of the api layer above. The layering test
// (tests/CMakeLists.txt) builds it and expects the compiler to say the header
// does not exist — proof that the build enforces the layer order.
#include "server/api/port_service.h"
