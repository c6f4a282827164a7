#define WEIGHT 3
