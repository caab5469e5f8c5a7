/* One header of the house, named by PROBE_HEADER, compiled against one library's exported
 * folders (test/house/CMakeLists.txt): it builds against its owner and is refused from below. */
#include PROBE_HEADER

int house_probe(void);

int house_probe(void)
{
	return 0;
}
