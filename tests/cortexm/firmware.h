/* What tests/cortexm's start-up code and checks share. */
#ifndef CORTEXM_FIRMWARE_H
#define CORTEXM_FIRMWARE_H
int firmware_main(void); /* 0: every check passed */
void fw_write(const char *s);
void fw_exit(int ok);
#endif
